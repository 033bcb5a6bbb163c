import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { classify, systemClock } from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import { createFleet } from "../fleet/fleet.ts";
import type { FaultBindingInput } from "../fleet/faults.ts";
import {
  FAILOVER_CASES,
  REFERENCE_AUDIT_OFF,
  type ContenderId,
  type FailoverBaseline,
  type FailoverCase,
  type FailoverProfileRow,
  type FailoverRow,
} from "./bench-report.ts";
import { consumeCaller, FALLBACK, fleetChainCalls, PRIMARY, type ChainCalls } from "./chain-calls.ts";
import { profileRequests, shares, spread, type ProfileBudget } from "./cpu-profile.ts";
import {
  createReferenceAuditOff,
  createReferenceBreakersOff,
  type Contender,
  type ContenderInstance,
} from "./contenders.ts";
import { measureInRounds, pick, type MeasureTask, type Measured, type RoundsBudget } from "./measure.ts";

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

/** How the bench classifies the primary's error, in a loop and between calls alike. */
const CLASSIFY_OPTIONS = { retry_after_cap_ms: 60_000, now_ms: 0 } as const;

/** Baseline task names (a contender's id names its own task). */
const CALLER_PAIR_CLASSIFIED = "caller-pair-classified";
const REFERENCE_BREAKERS_OFF = "reference-breakers-off";

/** What a failover bench takes beside the contenders' latency. */
export interface FailoverBenchOptions {
  /**
   * Also the baselines: the bare calls, the engine's caller port with and without a classification, the
   * reference without audit and without breakers.
   */
  readonly baselines: boolean;
  /** Profile each contender (and, with the baselines, the limit) after the rounds, for where its time goes. */
  readonly profile?: ProfileBudget;
  /** Where the reference's profiles are written as `.cpuprofile` files (for a flame graph viewer). */
  readonly profileDir?: string;
}

/** What one transport's failover bench produced. */
export interface FailoverBenchResult {
  readonly rows: readonly FailoverRow[];
  readonly baselines: readonly FailoverBaseline[];
  /** The bare non-streaming call to the answering model: "one mocked call" (null when no baselines were taken). */
  readonly bareOk: Measured | null;
  /** Failover latency samples per contender for the 500 case, for the plot. */
  readonly plot: Readonly<Partial<Record<ContenderId, readonly number[]>>>;
  /** Where each profiled subject's time went, per case (empty unless profiling was asked for). */
  readonly profiles: readonly FailoverProfileRow[];
}

/** The file the reference's profile of one transport and case is written to. */
function profileFileName(transport: "inproc" | "loopback", failoverCase: FailoverCase): string {
  return `failover-${transport}-${failoverCase}-reference.cpuprofile`;
}

/**
 * One candidate of the physical limit: `call` on the primary until it fails, then on the fallback. Checked
 * once before it is timed: a pair whose primary answers, or whose fallback gives other than the fleet's
 * text, would time the wrong work.
 */
function limitPair(
  failoverCase: FailoverCase,
  fix: string,
  call: (model: typeof PRIMARY) => Promise<string>,
): () => Promise<string> {
  let checked = false;
  return async () => {
    let failed = false;
    try {
      await call(PRIMARY);
    } catch {
      failed = true;
    }
    if (!failed)
      throw new Error(
        `Failed to fail: the primary answered in case ${failoverCase}. Check the fleet's fault binding.`,
      );
    const text = await call(FALLBACK);
    if (!checked) {
      if (text !== DEFAULT_CANONICAL_TEXT)
        throw new Error(
          `Failed to measure the limit of ${failoverCase}: the answering call gave ${JSON.stringify(text.slice(0, 40))}…, not the fleet's text. Fix ${fix}.`,
        );
      checked = true;
    }
    return text;
  };
}

/**
 * What classifying the primary's failure costs the reference, µs: the error its caller port raises in this
 * case, classified in a loop bounded by count and time. A warm loop, so a floor of the cost inside a request.
 */
async function timeClassification(calls: ChainCalls, stream: boolean): Promise<number> {
  let error: unknown;
  try {
    await consumeCaller(calls.caller, PRIMARY, stream);
  } catch (caught) {
    error = caught;
  }
  for (let i = 0; i < 1000; i++) classify(error, CLASSIFY_OPTIONS);
  let runs = 0;
  const started = performance.now();
  let elapsed = 0;
  while (runs < 20_000 && elapsed < 200) {
    for (let i = 0; i < 100; i++) classify(error, CLASSIFY_OPTIONS);
    runs += 100;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1000) / runs;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/\s+/g, " ").slice(0, 160);
  return String(error).slice(0, 160);
}

/**
 * The caller pair with one classification of the primary's error between its two calls, as the engine
 * classifies it. Beside the caller pair, what classification costs where the engine pays it: between
 * provider calls that have taken the caches, which a warm loop (`timeClassification`) keeps.
 */
function classifiedCallerPair(
  failoverCase: FailoverCase,
  calls: ChainCalls,
  stream: boolean,
): () => Promise<string> {
  return async () => {
    let reason: string | undefined;
    try {
      await consumeCaller(calls.caller, PRIMARY, stream);
    } catch (error) {
      reason = classify(error, CLASSIFY_OPTIONS).reason;
    }
    // Read, so the classification is work the task must do; an `unknown` would be the wrong error timed.
    if (reason === undefined || reason === "unknown")
      throw new Error(
        `Failed to classify the primary's failure in case ${failoverCase}: ${reason === undefined ? "it answered" : "unknown"}. Check the fleet's fault binding.`,
      );
    return consumeCaller(calls.caller, FALLBACK, stream);
  };
}

/**
 * The tasks beside the limit that the report's baselines come from: the two calls bare through the AI SDK,
 * the answering call through the engine's caller port (how much of the reference's time is that port, not
 * its decisions), the caller pair with one classification (what classifying costs in a request), and the
 * reference without its audit, then without its breakers too (what each costs on this path).
 */
function baselineTasks(
  failoverCase: FailoverCase,
  calls: ChainCalls,
  stream: boolean,
  engines: { readonly auditOff: ContenderInstance; readonly breakersOff: ContenderInstance },
): MeasureTask[] {
  return [
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
    { name: "engine-caller-ok", fn: () => consumeCaller(calls.caller, FALLBACK, stream) },
    { name: CALLER_PAIR_CLASSIFIED, fn: classifiedCallerPair(failoverCase, calls, stream) },
    { name: REFERENCE_AUDIT_OFF, fn: () => engines.auditOff.run() },
    { name: REFERENCE_BREAKERS_OFF, fn: () => engines.breakersOff.run() },
  ];
}

/**
 * Failover latency on the real clock over one transport (issue 8 §2 and the latency half of §3). For each
 * case the fleet fails the primary fast and serves the fallback. The physical limit is the least work any
 * engine must do, done the way the fastest contender does it: the failing call until its failure is known,
 * then the answering call, in one task (one sample per pair, so both calls share a loop and its JIT state).
 * Two ways of making those calls are timed and the faster median is the limit: the provider model's own
 * `doGenerate` / `doStream`, and the reference engine's caller port with no decision in between. Either
 * alone could sit above what some contender does (the sum of two `generateText` medians once did: a peer
 * came in under it), and a limit that flatters the reference is no limit. Every contender is
 * first run once and must return the fleet's answer: one that surfaces the error instead is reported as
 * unable to express the case, never timed. The limit's pairs and the contenders are timed in rounds
 * (`measureInRounds`), then each is profiled when `options.profile` asks for it.
 */
export async function benchFailover(
  transport: "inproc" | "loopback",
  contenders: readonly Contender[],
  budget: RoundsBudget,
  progress: (line: string) => void,
  options: FailoverBenchOptions = { baselines: true },
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
  const plot: Partial<Record<ContenderId, readonly number[]>> = {};
  const profiles: FailoverProfileRow[] = [];
  let bareOk: Measured | undefined;
  try {
    for (const failoverCase of FAILOVER_CASES) {
      const { fault, stream } = CASE_FAULTS[failoverCase];
      fleet.setFaults([{ target: PRIMARY, fault }]);
      const calls = fleetChainCalls(fleet, stream);
      const rawPair = limitPair(failoverCase, "rawModel in chain-calls.ts", (model) =>
        calls.rawModel(calls.languageModel(model)),
      );
      const callerPair = limitPair(failoverCase, "consumeCaller in chain-calls.ts", (model) =>
        consumeCaller(calls.caller, model, stream),
      );
      for (const pair of [rawPair, callerPair]) await pair();
      const tasks: MeasureTask[] = [
        // The physical limit's two candidates, each timed as one task so both calls share a loop, as a
        // contender's do.
        { name: "limit-raw-pair", fn: rawPair },
        { name: "limit-caller-pair", fn: callerPair },
      ];
      const instances: ContenderInstance[] = [];
      if (options.baselines) {
        const engines = {
          auditOff: createReferenceAuditOff(calls, stream),
          breakersOff: createReferenceBreakersOff(calls, stream),
        };
        instances.push(engines.auditOff, engines.breakersOff);
        tasks.push(...baselineTasks(failoverCase, calls, stream, engines));
      }
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
      const results = await measureInRounds(tasks, budget);
      const raw = pick(results, "limit-raw-pair").summary;
      const viaCaller = pick(results, "limit-caller-pair").summary;
      const limitBy = viaCaller.p50 < raw.p50 ? "engine-caller-pair" : "raw-pair";
      if (options.profile !== undefined) {
        // Each profile's shares are spread over the subject's median from the rounds, so its columns add up
        // to the latency in the table above.
        const subjects: {
          readonly subject: ContenderId | "limit";
          readonly fn: () => Promise<unknown>;
          readonly p50Ms: number;
        }[] = [];
        if (options.baselines)
          subjects.push({
            subject: "limit",
            fn: limitBy === "raw-pair" ? rawPair : callerPair,
            p50Ms: limitBy === "raw-pair" ? raw.p50 : viaCaller.p50,
          });
        for (const task of tasks) {
          const contender = contenders.find((c) => c.id === task.name);
          if (contender !== undefined)
            subjects.push({
              subject: contender.id,
              fn: task.fn,
              p50Ms: pick(results, task.name).summary.p50,
            });
        }
        for (const { subject, fn, p50Ms } of subjects) {
          progress(`failover ${transport} ${failoverCase}: profiling ${subject}`);
          const { profile, requests } = await profileRequests(fn, options.profile);
          profiles.push({
            transport,
            case: failoverCase,
            subject,
            requests,
            costs: spread(shares(profile), p50Ms * 1000),
          });
          if (subject === "reference" && options.profileDir !== undefined)
            writeFileSync(
              join(options.profileDir, profileFileName(transport, failoverCase)),
              JSON.stringify(profile),
            );
        }
      }
      await Promise.all(instances.map((i) => i.close()));
      const limit = limitBy === "raw-pair" ? raw : viaCaller;
      const limitMs = limit.p50;
      if (options.baselines && failoverCase === "http-500") bareOk = pick(results, "bare-ok");
      if (options.baselines)
        baselines.push({
          transport,
          case: failoverCase,
          limit,
          limitBy,
          rawPair: raw,
          callerPair: viaCaller,
          bareFail: pick(results, "bare-fail").summary,
          bareOk: pick(results, "bare-ok").summary,
          engineCallerOk: pick(results, "engine-caller-ok").summary,
          referenceAuditOff: pick(results, REFERENCE_AUDIT_OFF).summary,
          referenceBreakersOff: pick(results, REFERENCE_BREAKERS_OFF).summary,
          callerPairClassified: pick(results, CALLER_PAIR_CLASSIFIED).summary,
          classifyUs: await timeClassification(calls, stream),
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
        if (failoverCase === "http-500") plot[contender.id] = measured.samples;
      }
    }
  } finally {
    await fleet.close();
  }
  if (options.baselines && bareOk === undefined)
    throw new Error(
      "Failed to measure the bare call: the 500 case did not run. Keep http-500 in FAILOVER_CASES.",
    );
  return { rows, baselines, bareOk: bareOk ?? null, plot, profiles };
}
