/** Peak memory seen while sampling, in MiB. */
export interface MemoryPeak {
  readonly rssMb: number;
  readonly heapMb: number;
}

/** A running sampler; `stop()` takes a last sample and returns the peaks. */
export interface MemorySampler {
  stop(): MemoryPeak;
}

const MB = 2 ** 20;

/**
 * Samples RSS and heap every `intervalMs` on a timer (unref'd, so it never keeps the process alive). A
 * timer only fires between event-loop turns, so synchronous stretches are sampled at their ends; callers
 * doing long synchronous work also call `sample()` themselves.
 */
export function startMemorySampler(intervalMs = 25): MemorySampler & { sample(): void } {
  let rss = 0;
  let heap = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop(): MemoryPeak {
      clearInterval(timer);
      sample();
      return { rssMb: Math.round((rss / MB) * 10) / 10, heapMb: Math.round((heap / MB) * 10) / 10 };
    },
  };
}
