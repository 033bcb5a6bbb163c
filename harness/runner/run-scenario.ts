import { dirname, resolve } from "node:path";
import {
  deriveRandom,
  loadConfigFile,
  ManualClock,
  MemoryAuditSink,
  parseConfig,
  settingsFor,
  systemClock,
  type Clock,
  type CompactionHook,
  type ConfigProblem,
  type EngineConfig,
  type EngineUnderTest,
  type EngineUnderTestInstance,
  type StreamDelta,
} from "../../src/index.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import type { Scenario } from "../scenario/schema.ts";
import { judgeExpectations } from "./expectations.ts";
import type { FleetFactory } from "./fleet-port.ts";
import { planTraffic, type PlannedRequest } from "./plan-traffic.ts";
import type { AuditRecord, ExpectationFailure, FleetCall, RequestRecord } from "./records.ts";

/** The scenario clock starts here on the virtual clock, so audit bytes never depend on the day of the run. */
export const VIRTUAL_START_MS = Date.UTC(2026, 0, 1);
/** How long past a request's own deadline the harness waits before it calls the request a hang. */
export const HANG_GRACE_MS = 1_000;

/** A scenario that cannot run: its config is invalid, or a fault targets nothing the config uses. */
export class ScenarioInputError extends Error {
  override readonly name = "ScenarioInputError";
  constructor(
    message: string,
    readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(message);
  }
}

/** What one scenario run produced. */
export interface ScenarioRun {
  readonly id: string;
  readonly seed: number;
  readonly engine: string;
  readonly startMs: number;
  readonly requests: readonly RequestRecord[];
  /** The audit exactly as the engine wrote it. */
  readonly auditText: string;
  readonly audit: readonly AuditRecord[];
  /** Audit lines that are not JSON, with their 1-based line numbers (the checker reports them too). */
  readonly unparsedAuditLines: readonly number[];
  readonly fleetCalls: readonly FleetCall[];
  readonly fleetLogText: string;
  readonly canonicalText: string;
  /** The fleet's content mode: with `canonical`, every success must be the whole canonical answer. */
  readonly content: "canonical" | "faker";
  readonly expectationFailures: readonly ExpectationFailure[];
  /** The engine failed to start or close; the scenario fails with this. */
  readonly engineError: string | null;
  readonly config: EngineConfig;
}

/** Options of one run. */
export interface RunScenarioOptions {
  readonly engine: EngineUnderTest;
  readonly fleet: FleetFactory;
  /** The file the scenario came from (its config path is relative to it). */
  readonly file: string;
  readonly seed?: number;
  readonly transport?: "inproc" | "loopback";
}

/** The config under test: inline, or a file next to the scenario. */
export async function scenarioConfig(scenario: Scenario, file: string): Promise<EngineConfig> {
  const result = typeof scenario.config === "string" ? await loadConfigFile(resolve(dirname(file), scenario.config)) : parseConfig(scenario.config);
  if (!result.ok) {
    throw new ScenarioInputError(`the config of scenario ${scenario.id} is invalid`, result.problems);
  }
  return result.config;
}

/** Every model id the config can route to. */
export function configuredModels(config: EngineConfig): Set<string> {
  const models = new Set<string>();
  if (config.model) models.add(config.model);
  for (const agent of Object.values(config.agent)) {
    if (agent.model) models.add(agent.model);
    for (const m of agent.models ?? []) models.add(m);
  }
  for (const chain of Object.values(config.chains)) for (const m of chain) models.add(m);
  return models;
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

/** A fault bound to a model no chain uses is a mistake in the scenario, not a fault the engine survived. */
function checkFaultTargets(scenario: Scenario, config: EngineConfig, extraModels: readonly string[]): void {
  const models = new Set([...configuredModels(config), ...extraModels]);
  const providers = new Set([...models].map((m) => m.split("/")[0]));
  scenario.faults.forEach((binding, i) => {
    const target = binding.target;
    if (target === "*" || models.has(target) || (!target.includes("/") && providers.has(target))) return;
    throw new ScenarioInputError(`faults[${i}].target: "${target}" is not a model or provider the scenario's config uses (${[...models].join(", ")})`);
  });
}

function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}

/** Runs one request the way a caller would: send at its time, cancel if told to, give up at its deadline. */
async function sendRequest(
  plan: PlannedRequest,
  instance: EngineUnderTestInstance,
  clock: Clock,
  startMs: number,
  deadlineMs: number,
): Promise<RequestRecord> {
  const wait = startMs + plan.sendAt - clock.now();
  if (wait > 0) await clock.sleep(wait);
  const sentAt = clock.now() - startMs;
  const controller = new AbortController();
  const stop = new AbortController();
  let shown = "";
  let streamed = false;
  const onDelta = (delta: StreamDelta): void => {
    streamed = true;
    shown = delta.type === "reset" ? "" : shown + delta.text;
  };
  const { traffic } = plan;
  if (traffic.cancel_after !== undefined) {
    clock.sleep(traffic.cancel_after, stop.signal).then(
      () => controller.abort(),
      () => undefined,
    );
  }
  type Ended = { kind: "result"; value: Awaited<ReturnType<EngineUnderTestInstance["run"]>> } | { kind: "error"; error: unknown } | { kind: "hang" };
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
      (value): Ended => ({ kind: "result", value }),
      (error: unknown): Ended => ({ kind: "error", error }),
    );
  const guard: Promise<Ended> = clock.sleep(deadlineMs + HANG_GRACE_MS, stop.signal).then(
    (): Ended => ({ kind: "hang" }),
    () => new Promise<Ended>(() => undefined),
  );
  const ended = await Promise.race([run, guard]);
  stop.abort();
  if (ended.kind === "hang") controller.abort();
  const base = { index: plan.index, label: plan.label, agent: traffic.agent, sentAt, endedAt: clock.now() - startMs, cancelled: controller.signal.aborted && ended.kind !== "hang" };
  switch (ended.kind) {
    case "result":
      return { ...base, outcome: "success", model: ended.value.model, text: ended.value.text, attempts: ended.value.attempts, error: null, shown: streamed ? shown : null };
    case "error":
      return { ...base, outcome: "error", model: null, text: null, attempts: null, error: errorSummary(ended.error), shown: null };
    case "hang":
      return { ...base, outcome: "hang", model: null, text: null, attempts: null, error: { name: "Hang", message: `no answer within the deadline (${deadlineMs} ms) plus ${HANG_GRACE_MS} ms; the harness stopped waiting` }, shown: null };
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
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
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

function parseAudit(text: string): { records: AuditRecord[]; unparsed: number[] } {
  const records: AuditRecord[] = [];
  const unparsed: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) records.push(value as AuditRecord);
      else unparsed.push(i + 1);
    } catch {
      unparsed.push(i + 1);
    }
  });
  return { records, unparsed };
}

/**
 * Runs one scenario against one engine: a fleet with the scenario's faults, the traffic on the scenario's
 * clock, then the expectations. The audit and the fleet log are returned whole for the checker and reports.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioRun> {
  const config = await scenarioConfig(scenario, options.file);
  checkFaultTargets(scenario, config, scenario.traffic.flatMap((t) => (t.model ? [t.model] : [])));
  const seed = options.seed ?? scenario.seed;
  const virtual = scenario.clock === "virtual";
  const clock: Clock = virtual ? new ManualClock(VIRTUAL_START_MS) : systemClock;
  const startMs = clock.now();
  const fleet = await options.fleet({
    clock,
    seed,
    transport: options.transport ?? scenario.transport,
    faults: scenario.faults,
    content: scenario.content,
    models: modelsByProvider([...configuredModels(config), ...scenario.traffic.flatMap((t) => (t.model ? [t.model] : []))]),
  });
  const sink = new MemoryAuditSink();
  let engineError: string | null = null;
  let requests: RequestRecord[] = [];
  try {
    const random = deriveRandom(seed, "engine");
    const traced = traceFetch(fleet.fetch);
    const instance = await options.engine.create({
      config,
      clock,
      random: () => random.next(),
      fetch: traced.fetch,
      endpoints: fleet.endpoints,
      audit: sink,
      ...(scenario.compaction ? { compact: compactPrompt } : {}),
    });
    const limits = scenario.traffic.map((t) => limiter(t.concurrency));
    const work = Promise.all(
      planTraffic(scenario.traffic).map((plan) =>
        (limits[plan.line] ?? limiter(undefined))(() => sendRequest(plan, instance, clock, startMs, settingsFor(config, plan.traffic.agent).deadline_ms)),
      ),
    );
    const transport = options.transport ?? scenario.transport;
    // Loopback bytes cross real sockets: let them land before the virtual clock jumps.
    const progress = (): string => `${fleet.progress()}|${traced.progress()}|${(clock as ManualClock).pending}`;
    requests = virtual ? await runOnVirtualTime(clock as ManualClock, work, transport === "loopback" ? { settleMs: 1, progress } : {}) : await work;
    try {
      await instance.close?.();
    } catch (error) {
      engineError = `the engine failed to close: ${errorSummary(error).message}`;
    }
  } catch (error) {
    engineError = `the engine failed: ${errorSummary(error).message}`;
  } finally {
    await fleet.close();
  }
  const auditText = sink.text();
  const { records, unparsed } = parseAudit(auditText);
  const fleetCalls = fleet.calls();
  const expectationFailures = judgeExpectations(scenario.expect, { startMs, requests, audit: records, fleet: fleetCalls, canonicalText: fleet.canonicalText });
  return {
    id: scenario.id,
    seed,
    engine: options.engine.name,
    startMs,
    requests,
    auditText,
    audit: records,
    unparsedAuditLines: unparsed,
    fleetCalls,
    fleetLogText: fleet.logJsonl(),
    canonicalText: fleet.canonicalText,
    content: scenario.content,
    expectationFailures,
    engineError,
    config,
  };
}
