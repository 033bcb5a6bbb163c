import { GCProfiler } from "node:v8";

/** Peak memory seen while sampling, in MiB. */
export interface MemoryPeak {
  readonly rssMb: number;
  /**
   * The highest V8 heap use (`heapUsed`, live objects and garbage not yet collected). Exact, not sampled:
   * heap use only falls at a collection, so its peaks are the moments a collection starts, and V8 reports
   * the heap at each of those.
   */
  readonly heapMb: number;
  /**
   * The highest heap use right after a full (mark-compact) collection: what was really live then. 0 when
   * no full collection ran while sampling.
   */
  readonly liveHeapMb: number;
  /** Collections seen while sampling (scavenges and full ones). */
  readonly collections: number;
}

/** A running sampler; `stop()` takes a last sample and returns the peaks. */
export interface MemorySampler {
  stop(): MemoryPeak;
  /** Records the heap and RSS now; for callers that want a sample inside a long synchronous stretch. */
  sample(): void;
}

const MB = 2 ** 20;

/** The `gcType` V8's GC profiler gives a full collection. */
const FULL_COLLECTION = "MarkSweepCompact";

/**
 * Peak heap from V8's GC profiler, which records the heap before and after every collection: a timer alone
 * misses the peak whenever the process is busy, since timers only fire between event-loop turns (10,000
 * concurrent requests run seconds of microtasks without a turn). RSS has no such hook; it is sampled every
 * `intervalMs` (an unref'd timer, never keeping the process alive) and at `sample()` / `stop()`.
 */
export function startMemorySampler(intervalMs = 25): MemorySampler {
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  const profiler = new GCProfiler();
  profiler.start();
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop(): MemoryPeak {
      clearInterval(timer);
      sample();
      const collections = profiler.stop()?.statistics ?? [];
      let live = 0;
      for (const gc of collections) {
        heap = Math.max(heap, gc.beforeGC.heapStatistics.usedHeapSize);
        if (gc.gcType === FULL_COLLECTION) live = Math.max(live, gc.afterGC.heapStatistics.usedHeapSize);
      }
      return {
        rssMb: toMb(rss),
        heapMb: toMb(heap),
        liveHeapMb: toMb(live),
        collections: collections.length,
      };
    },
  };
}

function toMb(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}
