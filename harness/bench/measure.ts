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

/** Bounds of a measurement in rounds: every loop is bounded by both count and time. */
export interface RoundsBudget {
  /** Wall time of the timed rounds per task, ms: rounds go on until the tasks together had this much each. */
  readonly timeMs: number;
  /** Timed rounds at least, and at most (the count bound, whatever the time). */
  readonly minRounds: number;
  readonly maxRounds: number;
  /** Untimed rounds first, so every task meets warm code: at least this many, for at least `warmupMs`. */
  readonly warmupRounds: number;
  readonly warmupMs: number;
}

/**
 * Runs `tasks` in rounds, each task once per round, and retains every latency sample. A ratio between two
 * tasks is then made of samples taken milliseconds apart, in the same rounds: the VM this project benches on
 * changes speed by tens of percent within minutes, and tinybench, which times one task to the end before the
 * next, let that drift into every ratio (a limit measured in a fast minute, an engine in a slow one). The order
 * rotates and reverses from round to round, so no task always runs after the same one. A task that throws
 * aborts the measurement with its name, so a broken case is never reported as a fast one.
 */
export async function measureInRounds(
  tasks: readonly MeasureTask[],
  budget: RoundsBudget,
): Promise<Map<string, Measured>> {
  const samples = tasks.map((): number[] => []);
  const order = tasks.map((_, i) => i);
  const warming = performance.now();
  // Bounded by count too: maxRounds caps the warm-up as it caps the timed rounds.
  for (let round = 0; round < Math.max(budget.warmupRounds, budget.maxRounds); round++) {
    if (round >= budget.warmupRounds && performance.now() - warming >= budget.warmupMs) break;
    await runRound(tasks, order, round, null);
  }
  const totalMs = budget.timeMs * tasks.length;
  const started = performance.now();
  for (let round = 0; round < budget.maxRounds; round++) {
    if (round >= budget.minRounds && performance.now() - started >= totalMs) break;
    await runRound(tasks, order, round, samples);
  }
  const out = new Map<string, Measured>();
  tasks.forEach((task, i) => {
    const taken = samples[i] as number[];
    out.set(task.name, { summary: summarize(taken), samples: taken });
  });
  return out;
}

/** Runs every task once in round `round`'s order, adding each latency to `samples` unless warming up. */
async function runRound(
  tasks: readonly MeasureTask[],
  order: number[],
  round: number,
  samples: number[][] | null,
): Promise<void> {
  rotate(order, round);
  for (const index of order) {
    const task = tasks[index] as MeasureTask;
    const before = performance.now();
    try {
      await task.fn();
    } catch (error) {
      throw new Error(
        `Failed to measure ${task.name}: the task threw (${error instanceof Error ? error.message : String(error)}). Fix the task.`,
      );
    }
    samples?.[index]?.push(performance.now() - before);
  }
}

/** The order of round `round`: rotated by the round's number, reversed every other round. */
function rotate(order: number[], round: number): void {
  const n = order.length;
  const shift = Math.floor(round / 2) % n;
  for (let i = 0; i < n; i++) order[i] = (i + shift) % n;
  if (round % 2 === 1) order.reverse();
}
