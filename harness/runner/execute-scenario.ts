import {
  cancellableSleep,
  deriveRandom,
  ManualClock,
  MemoryAuditSink,
  settingsFor,
  systemClock,
  type Clock,
  type CompactionHook,
  type EngineConfig,
  type EngineUnderTest,
  type EngineUnderTestInstance,
  type StreamDelta,
} from "../../src/index.ts";
import { isOneReadBody } from "../fleet/body-stream.ts";
import { markPrompt } from "../fleet/request-marker.ts";
import { describeThrown } from "../report/describe-thrown.ts";
import { modelsOfConfig } from "../scenario/scenario-config-reading.ts";
import type { Scenario } from "../scenario/schema.ts";
import { runOnVirtualTime, runOnVirtualTimeFor } from "../sim/virtual-time.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { planTraffic, type PlannedRequest } from "./plan-traffic.ts";
import type { FleetCall, RequestRecord } from "./records.ts";
import { readCannotExpress, type CannotExpress } from "./expectation-policy.ts";
import { describeResultShape, isEngineInstance, isEngineResult } from "./result-shape.ts";

/** The scenario clock starts here on the virtual clock, so audit bytes never depend on the day of the run. */
export const VIRTUAL_START_MS = Date.UTC(2026, 0, 1);
/** Ends a finished request's pending waits. Made once: an abort without a reason builds a DOMException. */
const REQUEST_OVER = new Error("The request is over.");

/** How long past a request's own deadline the harness waits before it calls the request a hang. */
export const HANG_GRACE_MS = 1_000;

/**
 * Everything one execution produced, as plain data: it crosses a worker boundary by structured clone, and
 * the judge reads nothing else (never the engine's objects).
 */
export interface ExecutionRecords {
  readonly startMs: number;
  readonly requests: readonly RequestRecord[];
  /** The audit exactly as the engine wrote it. */
  readonly auditText: string;
  readonly fleetCalls: readonly FleetCall[];
  readonly fleetLogText: string;
  /** Deprecated: the prose canonical answers share; read `answers` (each model answers its own text). */
  readonly canonicalText: string;
  /** Canonical mode: the answer of each model the scenario names (`provider/model` → text); faker: empty. */
  readonly answers: Readonly<Record<string, string>>;
  /** The engine failed to start or close; the scenario fails with this. */
  readonly engineError: string | null;
  /** Misbehaviour seen while it ran (wrong result shape, a changed config…), each a FAIL reason. */
  readonly engineFaults: readonly string[];
  /** The engine's module declared `audit: "spec"` (SPEC §10): its audit is evidence, and must be there. */
  readonly auditDeclared?: boolean;
  /** The policies the engine's module declares it cannot express (SPEC §10.3), copied as plain data. */
  readonly cannotExpress?: CannotExpress;
  /** How many times the engine called the harness's compaction hook (parity: "compaction exercised"). */
  readonly compactions?: number;
}

/** Where a run is, so a supervisor can say what the engine was doing when it died. */
export type ExecutionEvent =
  | { readonly kind: "phase"; readonly phase: "create" | "traffic" | "close" }
  | { readonly kind: "request"; readonly index: number; readonly state: "sent" | "ended" };

/** What one execution needs: the engine, its parsed config (its own copy), the fleet. */
export interface ExecuteOptions {
  readonly engine: EngineUnderTest;
  readonly fleet: FleetFactory;
  readonly config: EngineConfig;
  readonly seed: number;
  readonly transport: "inproc" | "loopback";
  readonly onEvent?: (event: ExecutionEvent) => void;
  /**
   * The virtual clock to run on, made by the caller when something must be on it before the engine loads
   * (the isolate puts the engine's own timers on it, harness/sim/virtual-globals.ts). It must start at
   * VIRTUAL_START_MS. Ignored on the real clock.
   */
  readonly clock?: ManualClock;
}

type Ended = { kind: "result"; value: unknown } | { kind: "error"; error: unknown } | { kind: "hang" };

interface RequestContext {
  readonly instance: EngineUnderTestInstance;
  readonly clock: Clock;
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly faults: string[];
  readonly onEvent: (event: ExecutionEvent) => void;
}

function requestName(plan: PlannedRequest): string {
  return `request #${plan.index}${plan.label ? ` (${plan.label})` : ""}`;
}

/** Runs one request the way a caller would: send at its time, cancel if told to, give up at its deadline. */
async function sendRequest(plan: PlannedRequest, ctx: RequestContext): Promise<RequestRecord> {
  const { clock, startMs, deadlineMs, instance } = ctx;
  const wait = startMs + plan.sendAt - clock.now();
  if (wait > 0) await clock.sleep(wait);
  const sentAt = clock.now() - startMs;
  const controller = new AbortController();
  let shown = "";
  let streamed = false;
  const onDelta = (delta: StreamDelta): void => {
    streamed = true;
    shown = delta.type === "reset" ? "" : shown + String(delta.text);
  };
  const { traffic } = plan;
  let abortedAt: number | null = null;
  // Ends the request's own waits once it is over; only a cancelling request has more than the guard's.
  let stop: AbortController | undefined;
  if (traffic.cancel_after !== undefined) {
    stop = new AbortController();
    clock.sleep(traffic.cancel_after, stop.signal).then(
      () => {
        abortedAt = clock.now() - startMs;
        controller.abort();
      },
      () => undefined,
    );
  }
  ctx.onEvent({ kind: "request", index: plan.index, state: "sent" });
  const run: Promise<Ended> = Promise.resolve()
    .then(() =>
      instance.run({
        agent: traffic.agent,
        ...(traffic.model ? { model: traffic.model } : {}),
        // Marked so the fleet can attribute each provider call to this request (SPEC §10.2).
        prompt: markPrompt(traffic.prompt, plan.index),
        stream: traffic.stream,
        signal: controller.signal,
        onDelta,
      }),
    )
    .then(
      (value: unknown): Ended => ({ kind: "result", value }),
      (error: unknown): Ended => ({ kind: "error", error }),
    );
  const guardSleep = cancellableSleep(clock, deadlineMs + HANG_GRACE_MS);
  const guard: Promise<Ended> = guardSleep.done.then(
    (): Ended => ({ kind: "hang" }),
    () => new Promise<Ended>(() => undefined),
  );
  const ended = await Promise.race([run, guard]);
  stop?.abort(REQUEST_OVER);
  guardSleep.cancel(REQUEST_OVER);
  if (ended.kind === "hang") {
    abortedAt = clock.now() - startMs;
    controller.abort();
  }
  ctx.onEvent({ kind: "request", index: plan.index, state: "ended" });
  const base = {
    abortedAt,
    index: plan.index,
    label: plan.label,
    agent: traffic.agent,
    sentAt,
    endedAt: clock.now() - startMs,
    cancelled: controller.signal.aborted && ended.kind !== "hang",
  };
  const failed = { model: null, text: null, attempts: null, shown: null };
  switch (ended.kind) {
    case "result": {
      if (!isEngineResult(ended.value)) {
        const message = `run resolved ${describeResultShape(ended.value)}, expected { model: string, text: string, attempts: number }`;
        ctx.faults.push(`result-shape: ${requestName(plan)}: ${message}`);
        return { ...base, ...failed, outcome: "error", error: { name: "InvalidResult", message } };
      }
      const { model, text, attempts } = ended.value;
      return {
        ...base,
        outcome: "success",
        model,
        text,
        attempts,
        error: null,
        shown: streamed ? shown : null,
      };
    }
    case "error":
      return { ...base, ...failed, outcome: "error", error: describeThrown(ended.error) };
    case "hang":
      return {
        ...base,
        ...failed,
        outcome: "hang",
        error: {
          name: "Hang",
          message: `no answer within the deadline (${deadlineMs} ms) plus ${HANG_GRACE_MS} ms; the harness stopped waiting`,
        },
      };
    default: {
      const unreachable: never = ended;
      return unreachable;
    }
  }
}

/**
 * Counts what the engine's fetch has seen (requests sent, responses and body chunks received), so the
 * virtual clock can wait for bytes crossing real sockets before it jumps.
 */
function traceFetch(
  inner: typeof fetch,
  everyBody: boolean,
): { fetch: typeof fetch; progress: () => string } {
  let sent = 0;
  let answered = 0;
  let chunks = 0;
  const traced: typeof fetch = async (input, init) => {
    sent++;
    const response = await inner(input, init);
    answered++;
    if (response.body === null) return response;
    // Only the loopback driver reads the count. In process the counting stage (a TransformStream and a
    // second Response: a quarter of a non-streamed call's CPU) is skipped for JSON bodies, which an engine
    // reads whole, and for bodies the fleet hands over in one read and then ends (a clean stream, its
    // frames coalesced). It stays on other streams: there it reads a chunk ahead of the engine and so sets
    // how many bytes of a stream the engine aborts the fleet logs; skipping it there changed the library's
    // fleet logs.
    if (
      !everyBody &&
      (isOneReadBody(response.body) ||
        (response.headers.get("content-type") ?? "").startsWith("application/json"))
    )
      return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          chunks++;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: traced, progress: () => `${sent}/${answered}/${chunks}` };
}

/** The harness's compaction hook: keeps the last message and marks the prompt compacted. */
const compactPrompt: CompactionHook = ({ prompt }) =>
  Promise.resolve(typeof prompt === "string" ? `[compacted] ${prompt.slice(-200)}` : prompt.slice(-1));

/** Bounds the requests of one traffic line in flight at once. */
function limiter(max: number | undefined): <T>(work: () => Promise<T>) => Promise<T> {
  if (max === undefined) return (work) => work();
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** `["openai/gpt-4.1", "openrouter/meta/llama"]` → `{ openai: ["gpt-4.1"], openrouter: ["meta/llama"] }`. */
function modelsByProvider(models: readonly string[]): Record<string, string[]> {
  const byProvider: Record<string, string[]> = {};
  for (const id of new Set(models)) {
    const slash = id.indexOf("/");
    (byProvider[id.slice(0, slash)] ??= []).push(id.slice(slash + 1));
  }
  return byProvider;
}

/** The first difference between the config as given and as the engine left it, or null. */
function configChange(before: string, after: unknown): string | null {
  let now: string;
  try {
    now = JSON.stringify(after);
  } catch {
    return "the engine made the config it was given unserializable";
  }
  if (now === before) return null;
  const path = firstDifference(JSON.parse(before) as unknown, JSON.parse(now) as unknown, "config");
  return `config-mutated: the engine changed the config it was given (${path}); the judge reads its own copy`;
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    return `${path}: ${JSON.stringify(a) ?? "undefined"} → ${JSON.stringify(b) ?? "undefined"}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}.${key}`);
  }
  return path;
}

/** The drain never runs longer than this much virtual time (a config may allow waits of days). */
export const MAX_DRAIN_MS = 3_600_000;

/**
 * How long the clock keeps running after the last request: the longest wait the config allows any agent of
 * the scenario (deadline, Retry-After cap, backoff ceiling, breaker cooldown), at most MAX_DRAIN_MS.
 */
export function drainMs(config: EngineConfig, scenario: Scenario): number {
  const agents = new Set([...scenario.traffic.map((t) => t.agent), ...Object.keys(config.agent)]);
  let longest = 0;
  for (const agent of agents) {
    const s = settingsFor(config, agent);
    const cooldown = s.circuit_breaker.enabled ? s.circuit_breaker.cooldown_ms : 0;
    longest = Math.max(
      longest,
      s.deadline_ms,
      s.retry_after_cap_ms,
      s.backoff.network.max_ms,
      s.backoff.rate_limit.max_ms,
      cooldown,
    );
  }
  return Math.min(longest, MAX_DRAIN_MS);
}

/**
 * Executes one scenario against one engine: a fleet with the scenario's faults, the traffic on the
 * scenario's clock, the engine closed. Returns what happened as plain data; judging is someone else's job.
 */
export async function executeScenario(
  scenario: Scenario,
  options: ExecuteOptions,
): Promise<ExecutionRecords> {
  const { config, seed, transport } = options;
  const onEvent = options.onEvent ?? (() => undefined);
  const virtual = scenario.clock === "virtual";
  const clock: Clock = virtual ? (options.clock ?? new ManualClock(VIRTUAL_START_MS)) : systemClock;
  // On the wall clock an engine's start-up (a gateway or an agent launched, seconds) is not scenario time:
  // the scenario starts, traffic and fault schedule together, once the engine is up. On the virtual clock
  // start-up takes no time, so the two instants are one.
  let startMs = clock.now();
  const extraModels = scenario.traffic.flatMap((t) => (t.model ? [t.model] : []));
  const fleet = await options.fleet({
    clock,
    seed,
    transport,
    faults: scenario.faults,
    content: scenario.content,
    models: modelsByProvider([...modelsOfConfig(config), ...extraModels]),
  });
  const sink = new MemoryAuditSink();
  const faults: string[] = [];
  const givenConfig = JSON.stringify(config);
  // Deadlines come from a copy taken before the engine sees the config: an engine that raises its own
  // deadline must not be able to hide a hang.
  const pristine = structuredClone(config);
  let engineError: string | null = null;
  let compactions = 0;
  let requests: RequestRecord[] = [];
  try {
    const random = deriveRandom(seed, "engine");
    const traced = traceFetch(fleet.fetch, transport === "loopback");
    onEvent({ kind: "phase", phase: "create" });
    const instance: unknown = await options.engine.create({
      config,
      clock,
      random: () => random.next(),
      fetch: traced.fetch,
      endpoints: fleet.endpoints,
      audit: sink,
      ...(scenario.compaction
        ? {
            compact: (input: Parameters<CompactionHook>[0]) => {
              compactions++;
              return compactPrompt(input);
            },
          }
        : {}),
    });
    if (!isEngineInstance(instance)) {
      throw new TypeError(
        `create resolved ${describeResultShape(instance)}, expected { run(request), close?() }`,
      );
    }
    if (!virtual) {
      startMs = clock.now();
      fleet.restartScenario();
    }
    onEvent({ kind: "phase", phase: "traffic" });
    const limits = scenario.traffic.map((t) => limiter(t.concurrency));
    const work = Promise.all(
      planTraffic(scenario.traffic).map((plan) =>
        (limits[plan.line] ?? limiter(undefined))(() =>
          sendRequest(plan, {
            instance,
            clock,
            startMs,
            deadlineMs: settingsFor(pristine, plan.traffic.agent).deadline_ms,
            faults,
            onEvent,
          }),
        ),
      ),
    );
    // Loopback bytes cross real sockets: let them land before the virtual clock jumps.
    const progress = (): string =>
      `${fleet.progress()}|${traced.progress()}|${(clock as ManualClock).pending}`;
    const driver = transport === "loopback" ? { settleMs: 1, progress } : {};
    requests = virtual ? await runOnVirtualTime(clock as ManualClock, work, driver) : await work;
    // The drain: work an engine leaves behind (a retry loop after the caller got its answer, calls after an
    // abort) shows in the fleet record only if time goes on. On the real clock there is no drain: it would
    // cost its length in wall time.
    if (virtual) await runOnVirtualTimeFor(clock as ManualClock, drainMs(pristine, scenario), driver);
    onEvent({ kind: "phase", phase: "close" });
    try {
      await instance.close?.();
    } catch (error) {
      engineError = `the engine failed to close: ${describeThrown(error).message}`;
    }
  } catch (error) {
    engineError = `the engine failed: ${describeThrown(error).message}`;
  } finally {
    await fleet.close();
  }
  const changed = configChange(givenConfig, config);
  if (changed) faults.push(changed);
  return {
    startMs,
    requests,
    auditText: sink.text(),
    fleetCalls: fleet.calls(),
    fleetLogText: fleet.logJsonl(),
    canonicalText: fleet.canonicalText,
    answers: fleet.answers,
    engineError,
    engineFaults: faults,
    auditDeclared: declaresAudit(options.engine),
    cannotExpress: readCannotExpress(options.engine),
    compactions,
  };
}

/** Reads the engine's audit declaration without letting a hostile getter throw into the runner. */
function declaresAudit(engine: EngineUnderTest): boolean {
  try {
    return engine.audit === "spec";
  } catch {
    return false;
  }
}
