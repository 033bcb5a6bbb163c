import type { OverheadRow } from "./bench-report.ts";
import { consumeCaller, FALLBACK, PRIMARY, stubChainCalls, type ChainCalls } from "./chain-calls.ts";
import type { Contender } from "./contenders.ts";
import { measure, pick, type MeasureBudget, type MeasureTask } from "./measure.ts";

const PATHS = ["success", "failover"] as const;

/** The bare work of a path, in the shape a contender consumes: the caller port for the reference engine. */
function bareTask(
  calls: ChainCalls,
  path: (typeof PATHS)[number],
  viaCaller: boolean,
): () => Promise<unknown> {
  const once = (model: typeof PRIMARY): Promise<string> =>
    viaCaller ? consumeCaller(calls.caller, model, false) : calls.runModel(calls.languageModel(model));
  if (path === "success") return () => once(PRIMARY);
  return async () => {
    await once(PRIMARY).catch(() => undefined);
    return once(FALLBACK);
  };
}

/**
 * Decision overhead (issue 8 §1 and the overhead half of §3): every contender wrapped around zero-cost stub
 * calls, against the same stub calls made bare, in one bench. `success` is one attempt on a healthy
 * primary; `failover` is a 500 on the primary and an answer from the fallback (two attempts). The ratio
 * puts the per-attempt overhead over the median of one real in-process mocked call, measured in this run.
 */
export async function benchOverhead(
  contenders: readonly Contender[],
  budget: MeasureBudget,
  bareMockedCallMs: number,
  progress: (line: string) => void,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const path of PATHS) {
    const calls = stubChainCalls(path === "failover" ? new Set([PRIMARY]) : new Set());
    const instances = contenders.map((c) => ({ contender: c, instance: c.create(calls, false) }));
    const tasks: MeasureTask[] = [
      { name: "bare-caller", fn: bareTask(calls, path, true) },
      { name: "bare-model", fn: bareTask(calls, path, false) },
      ...instances.map(({ contender, instance }) => ({ name: contender.id, fn: () => instance.run() })),
    ];
    progress(`overhead ${path}: measuring ${tasks.length} tasks`);
    const results = await measure(tasks, budget);
    await Promise.all(instances.map(({ instance }) => instance.close()));
    const attempts = path === "success" ? 1 : 2;
    for (const { contender } of instances) {
      const bare = pick(results, contender.id === "reference" ? "bare-caller" : "bare-model").summary;
      const wrapped = pick(results, contender.id).summary;
      // Medians, not means: a GC pause in one loop must not show up as overhead of the other.
      const overheadUs = Math.max(0, (wrapped.p50 - bare.p50) * 1000);
      rows.push({
        contender: contender.id,
        path,
        attempts,
        bare,
        wrapped,
        overheadUs,
        perAttemptUs: overheadUs / attempts,
        ratioToMockedCall: overheadUs / attempts / 1000 / bareMockedCallMs,
      });
    }
  }
  return rows;
}
