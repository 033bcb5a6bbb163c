import {
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
import { describeThrown } from "../report/describe-thrown.ts";
import { modelsOfConfig } from "../scenario/scenario-config-reading.ts";
import type { Scenario } from "../scenario/schema.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { planTraffic, type PlannedRequest } from "./plan-traffic.ts";
import type { FleetCall, RequestRecord } from "./records.ts";
import { describeResultShape, isEngineInstance, isEngineResult } from "./result-shape.ts";

/** The scenario clock starts here on the virtual clock, so audit bytes never depend on the day of the run. */
export const VIRTUAL_START_MS = Date.UTC(2026, 0, 1);
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
  readonly canonicalText: string;
  /** The engine failed to start or close; the scenario fails with this. */
  readonly engineError: string | null;
  /** Misbehaviour seen while it ran (wrong result shape, a changed config…), each a FAIL reason. */
  readonly engineFaults: readonly string[];
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
  const stop = new AbortController();
  let shown = "";
  let streamed = false;
  const onDelta = (delta: StreamDelta): void => {
    streamed = true;
    shown = delta.type === "reset" ? "" : shown + String(delta.text);
  };
  const { traffic } = plan;
  if (traffic.cancel_after !== undefined) {
    clock.sleep(traffic.cancel_after, stop.signal).then(
      () => controller.abort(),
      () => undefined,
    );
  }
  ctx.onEvent({ kind: "request", index: plan.index, state: "sent" });
  const run: Promise<Ended> = Promise.resolve()
    .then(() =>
      instance.run({
        agent: traffic.agent,
        ...(traffic.model ? { model: traffic.model } : {}),
        prompt: traffic.prompt,
        stream: traffic.stream,
        signal: controller.signal,
        onDelta,
      }),
    )
    .then(
      (value: unknown): Ended => ({ kind: "result", value }),
      (error: unknown): Ended => ({ kind: "error", error }),
    );
  const guard: Promise<Ended> = clock.sleep(deadlineMs + HANG_GRACE_MS, stop.signal).then(
    (): Ended => ({ kind: "hang" }),
    () => new Promise<Ended>(() => undefined),
  );
  const ended = await Promise.race([run, guard]);
  stop.abort();
  if (ended.kind === "hang") controller.abort();
  ctx.onEvent({ kind: "request", index: plan.index, state: "ended" });
  const base = {
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
function traceFetch(inner: typeof fetch): { fetch: typeof fetch; progress: () => string } {
  let sent = 0;
  let answered = 0;
  let chunks = 0;
  const traced: typeof fetch = async (input, init) => {
    sent++;
    const response = await inner(input, init);
    answered++;
    if (response.body === null) return response;
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
  const clock: Clock = virtual ? new ManualClock(VIRTUAL_START_MS) : systemClock;
  const startMs = clock.now();
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
  let requests: RequestRecord[] = [];
  try {
    const random = deriveRandom(seed, "engine");
    const traced = traceFetch(fleet.fetch);
    onEvent({ kind: "phase", phase: "create" });
    const instance: unknown = await options.engine.create({
      config,
      clock,
      random: () => random.next(),
      fetch: traced.fetch,
      endpoints: fleet.endpoints,
      audit: sink,
      ...(scenario.compaction ? { compact: compactPrompt } : {}),
    });
    if (!isEngineInstance(instance)) {
      throw new TypeError(
        `create resolved ${describeResultShape(instance)}, expected { run(request), close?() }`,
      );
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
    requests = virtual
      ? await runOnVirtualTime(
          clock as ManualClock,
          work,
          transport === "loopback" ? { settleMs: 1, progress } : {},
        )
      : await work;
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
    engineError,
    engineFaults: faults,
  };
}
