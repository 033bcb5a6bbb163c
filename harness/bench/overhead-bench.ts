import type { ModelCaller, ModelId } from "../../src/index.ts";
import { REFERENCE_AUDIT_OFF, type OverheadRow, type OverheadSubject } from "./bench-report.ts";
import { FALLBACK, PRIMARY, PROMPT, stubChainCalls, type ChainCalls } from "./chain-calls.ts";
import { createReferenceAuditOff, type Contender } from "./contenders.ts";
import { measure, pick, type MeasureBudget, type MeasureTask } from "./measure.ts";

const PATHS = ["success", "failover"] as const;

/** A signal that never aborts, made once: the bare call must not be charged a controller per call. */
const BARE_SIGNAL = new AbortController().signal;

/**
 * The engine's caller port run once, bare, to its text. Not `consumeCaller`: that makes an AbortController
 * per call, which the engine does not (it makes one only when a caller reads `signal`, and the stub never
 * does), so the engine's overhead measured against it came out below zero.
 */
async function bareCaller(caller: ModelCaller, model: ModelId): Promise<string> {
  let text = "";
  for await (const part of caller.call({ model, prompt: PROMPT, stream: false, signal: BARE_SIGNAL })) {
    if (part.type === "text") text += part.text;
    else if (part.type === "error") throw part.error;
  }
  return text;
}
/** The bare work of a path, in the shape a contender consumes: the caller port for the reference engine. */
function bareTask(
  calls: ChainCalls,
  path: (typeof PATHS)[number],
  viaCaller: boolean,
): () => Promise<unknown> {
  const once = (model: typeof PRIMARY): Promise<string> =>
    viaCaller ? bareCaller(calls.caller, model) : calls.runModel(calls.languageModel(model));
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
    // The reference without an audit sink, for issue 15's "audit off" goal: a row of its own.
    const auditOff = createReferenceAuditOff(calls, false);
    const tasks: MeasureTask[] = [
      { name: "bare-caller", fn: bareTask(calls, path, true) },
      { name: "bare-model", fn: bareTask(calls, path, false) },
      ...instances.map(({ contender, instance }) => ({ name: contender.id, fn: () => instance.run() })),
      {
        name: REFERENCE_AUDIT_OFF,
        fn: () => auditOff.run(),
      },
    ];
    progress(`overhead ${path}: measuring ${tasks.length} tasks`);
    const results = await measure(tasks, budget);
    await Promise.all(instances.map(({ instance }) => instance.close()));
    await auditOff.close();
    const attempts = path === "success" ? 1 : 2;
    const subjects: OverheadSubject[] = [
      ...instances.map(({ contender }) => contender.id),
      REFERENCE_AUDIT_OFF,
    ];
    for (const subject of subjects) {
      // The reference drives the caller port; the peers an AI SDK model: each against its own bare call.
      const viaCaller = subject === "reference" || subject === REFERENCE_AUDIT_OFF;
      const bare = pick(results, viaCaller ? "bare-caller" : "bare-model").summary;
      const wrapped = pick(results, subject).summary;
      // Medians, not means: a GC pause in one loop must not show up as overhead of the other.
      const overheadUs = Math.max(0, (wrapped.p50 - bare.p50) * 1000);
      rows.push({
        contender: subject,
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
