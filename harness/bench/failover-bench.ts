import { systemClock } from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import { createFleet } from "../fleet/fleet.ts";
import type { FaultBindingInput } from "../fleet/faults.ts";
import {
  FAILOVER_CASES,
  type ContenderId,
  type FailoverBaseline,
  type FailoverCase,
  type FailoverRow,
} from "./bench-report.ts";
import { consumeCaller, FALLBACK, fleetChainCalls, PRIMARY } from "./chain-calls.ts";
import type { Contender, ContenderInstance } from "./contenders.ts";
import { measure, pick, type MeasureBudget, type MeasureTask, type Measured } from "./measure.ts";

/** How the primary fails fast in each case, and whether the request streams. */
const CASE_FAULTS: Readonly<
  Record<FailoverCase, { readonly fault: FaultBindingInput["fault"]; readonly stream: boolean }>
> = {
  "http-500": { fault: { kind: "http_error", reason: "server_error" }, stream: false },
  "http-429-retry-after-0": {
    fault: { kind: "http_error", reason: "rate_limit", retry_after: 0 },
    stream: false,
  },
  // In process this is msw's network error ("Failed to fetch", no code); on loopback a real RST (ECONNRESET).
  "connection-reset": { fault: { kind: "reset_before_bytes" }, stream: false },
  "in-band-error-before-first-token": {
    fault: { kind: "stream_error", reason: "server_error", after_tokens: 0 },
    stream: true,
  },
};

/** What one transport's failover bench produced. */
export interface FailoverBenchResult {
  readonly rows: readonly FailoverRow[];
  readonly baselines: readonly FailoverBaseline[];
  /** The bare non-streaming call to the answering model: "one mocked call". */
  readonly bareOk: Measured;
  /** Failover latency samples per contender for the 500 case, for the plot. */
  readonly plot: ReadonlyMap<ContenderId, readonly number[]>;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/\s+/g, " ").slice(0, 160);
  return String(error).slice(0, 160);
}

/**
 * Failover latency on the real clock over one transport (issue 8 §2 and the latency half of §3). For each
 * case the fleet fails the primary fast and serves the fallback. The physical limit is the least work any
 * engine must do, done the way the fastest contender does it: the provider model's own `doGenerate` /
 * `doStream` on the primary until its failure is known, then on the fallback, in one task (one sample per
 * pair, so both calls share a loop and its JIT state). It used to be the sum of two medians of
 * `generateText` calls, which pays the SDK wrapper twice where a wrapping engine (ai-fallback) pays it
 * once, so a peer came in under "the limit". Every contender is
 * first run once and must return the fleet's answer: one that surfaces the error instead is reported as
 * unable to express the case, never timed.
 */
export async function benchFailover(
  transport: "inproc" | "loopback",
  contenders: readonly Contender[],
  budget: MeasureBudget,
  progress: (line: string) => void,
): Promise<FailoverBenchResult> {
  const fleet = await createFleet({
    clock: systemClock,
    seed: 8,
    transport,
    content: "canonical",
    canonicalText: DEFAULT_CANONICAL_TEXT,
  });
  const rows: FailoverRow[] = [];
  const baselines: FailoverBaseline[] = [];
  const plot = new Map<ContenderId, readonly number[]>();
  let bareOk: Measured | undefined;
  try {
    for (const failoverCase of FAILOVER_CASES) {
      const { fault, stream } = CASE_FAULTS[failoverCase];
      fleet.setFaults([{ target: PRIMARY, fault }]);
      const calls = fleetChainCalls(fleet, stream);
      const limitTask = async (): Promise<string> => {
        try {
          await calls.rawModel(calls.languageModel(PRIMARY));
        } catch {
          return calls.rawModel(calls.languageModel(FALLBACK));
        }
        throw new Error(
          `Failed to fail: the primary answered the raw call in case ${failoverCase}. Check the fleet's fault binding.`,
        );
      };
      const limitText = await limitTask();
      if (limitText !== DEFAULT_CANONICAL_TEXT)
        throw new Error(
          `Failed to measure the limit of ${failoverCase}: the raw answering call gave ${JSON.stringify(limitText.slice(0, 40))}…, not the fleet's text. Fix rawModel in chain-calls.ts.`,
        );
      const tasks: MeasureTask[] = [
        // The physical limit, timed as one task so both calls share a loop, as a contender's do.
        { name: "limit", fn: limitTask },
        {
          name: "bare-fail",
          fn: async () => {
            try {
              await calls.runModel(calls.languageModel(PRIMARY));
            } catch {
              return;
            }
            throw new Error(
              `Failed to fail: the primary answered in case ${failoverCase}. Check the fleet's fault binding.`,
            );
          },
        },
        { name: "bare-ok", fn: () => calls.runModel(calls.languageModel(FALLBACK)) },
        // Not part of the limit: shows how much of the reference's time is its caller port rather than its decisions.
        { name: "engine-caller-ok", fn: () => consumeCaller(calls.caller, FALLBACK, stream) },
      ];
      const instances: ContenderInstance[] = [];
      const refused = new Map<ContenderId, string>();
      for (const contender of contenders) {
        const instance = contender.create(calls, stream);
        instances.push(instance);
        try {
          const text = await instance.run();
          if (text !== DEFAULT_CANONICAL_TEXT) {
            refused.set(
              contender.id,
              `answered ${JSON.stringify(text.slice(0, 40))}…, not the fallback's text`,
            );
            continue;
          }
          tasks.push({ name: contender.id, fn: () => instance.run() });
        } catch (error) {
          refused.set(contender.id, `did not fail over: ${describeError(error)}`);
        }
      }
      progress(`failover ${transport} ${failoverCase}: measuring ${tasks.length} tasks`);
      const results = await measure(tasks, budget);
      await Promise.all(instances.map((i) => i.close()));
      const limitMs = pick(results, "limit").summary.p50;
      if (failoverCase === "http-500") bareOk = pick(results, "bare-ok");
      baselines.push({
        transport,
        case: failoverCase,
        limit: pick(results, "limit").summary,
        bareFail: pick(results, "bare-fail").summary,
        bareOk: pick(results, "bare-ok").summary,
        engineCallerOk: pick(results, "engine-caller-ok").summary,
      });
      for (const contender of contenders) {
        const note = refused.get(contender.id);
        const measured = results.get(contender.id);
        if (note !== undefined || measured === undefined) {
          rows.push({
            transport,
            case: failoverCase,
            contender: contender.id,
            status: "not-expressible",
            note: note ?? "not measured",
            latency: null,
            limitMs,
            ratio: null,
            aboveLimitMs: null,
          });
          continue;
        }
        rows.push({
          transport,
          case: failoverCase,
          contender: contender.id,
          status: "measured",
          note: null,
          latency: measured.summary,
          limitMs,
          ratio: measured.summary.p50 / limitMs,
          aboveLimitMs: measured.summary.p50 - limitMs,
        });
        if (failoverCase === "http-500") plot.set(contender.id, measured.samples);
      }
    }
  } finally {
    await fleet.close();
  }
  if (bareOk === undefined)
    throw new Error(
      "Failed to measure the bare call: the 500 case did not run. Keep http-500 in FAILOVER_CASES.",
    );
  return { rows, baselines, bareOk, plot };
}
