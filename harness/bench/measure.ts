import { Bench } from "tinybench";
import { summarize, type LatencySummary } from "./percentile.ts";

/** Time and count bounds of one measurement: every loop of the bench is bounded by both. */
export interface MeasureBudget {
  /** Time budget per task, ms (tinybench keeps going until both this and `iterations` are met). */
  readonly timeMs: number;
  /** Minimum iterations per task. */
  readonly iterations: number;
  readonly warmupMs: number;
  readonly warmupIterations: number;
  /**
   * The bench is run this many times with the task order rotated and the samples pooled: a ratio of two
   * tasks measured seconds apart would otherwise carry the drift (JIT, GC, CPU frequency) between them.
   */
  readonly passes: number;
}

/** A task to measure: an async function doing one request. */
export interface MeasureTask {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
}

/** One measured task: its summary and the retained samples (ms). */
export interface Measured {
  readonly summary: LatencySummary;
  readonly samples: readonly number[];
}

/**
 * Runs tasks sequentially with tinybench 6 and retains every latency sample, since tinybench reports no
 * p95. A task that throws aborts the measurement with the task's name, so a broken case is never reported
 * as a fast one.
 */
export async function measure(
  tasks: readonly MeasureTask[],
  budget: MeasureBudget,
): Promise<Map<string, Measured>> {
  const pooled = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  const passes = Math.max(1, budget.passes);
  for (let pass = 0; pass < passes; pass++) {
    const bench = new Bench({
      time: budget.timeMs / passes,
      iterations: Math.max(1, Math.ceil(budget.iterations / passes)),
      // Warm up on the first pass only; later passes run on warm code.
      warmup: pass === 0,
      warmupTime: budget.warmupMs,
      warmupIterations: budget.warmupIterations,
      retainSamples: true,
      throws: true,
    });
    const shift = pass % Math.max(1, tasks.length);
    for (const task of [...tasks.slice(shift), ...tasks.slice(0, shift)]) bench.add(task.name, task.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") {
        throw new Error(
          `Failed to measure ${task.name}: the task ended ${result.state}${result.state === "errored" ? ` (${result.error.message})` : ""}. Fix the task.`,
        );
      }
      const into = pooled.get(task.name);
      // A loop, not push(...samples): a microsecond task yields more samples than a call has argument slots.
      if (into !== undefined) for (const sample of result.latency.samples ?? []) into.push(sample);
    }
  }
  const out = new Map<string, Measured>();
  for (const [name, samples] of pooled) out.set(name, { summary: summarize(samples), samples });
  return out;
}

/** The measured entry of `name`, which must exist. */
export function pick(results: ReadonlyMap<string, Measured>, name: string): Measured {
  const found = results.get(name);
  if (found === undefined)
    throw new Error(`Failed to read the measurement ${name}: it was not run. Add the task to the bench.`);
  return found;
}
