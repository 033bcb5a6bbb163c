import type { AuditSink } from "./audit/sink.ts";
import type { EngineConfig } from "./config/settings.ts";
import type { Clock } from "./core/clock.ts";
import type { StreamDelta } from "./engine/engine.ts";
import type { CompactionHook, Prompt } from "./engine/ports.ts";

/** A provider endpoint the harness's fleet serves. */
export interface EutEndpoint {
  readonly baseURL: string;
  readonly apiKey: string;
}

/** What the harness gives an engine under test (SPEC §10). */
export interface EngineUnderTestContext {
  /** The validated configuration of the scenario. */
  readonly config: EngineConfig;
  readonly clock: Clock;
  /** Seeded random source in [0, 1). */
  readonly random: () => number;
  /** A fetch routed to the fleet. */
  readonly fetch: typeof fetch;
  /** Per provider (`openai`, `anthropic`, …) the fleet's base URL and a fake key. */
  readonly endpoints: Readonly<Record<string, EutEndpoint>>;
  /** Where audit lines go: a sink, or the path the engine must write its JSONL to. */
  readonly audit: AuditSink | { readonly path: string };
  /** A compaction hook, when the scenario exercises context compaction (SPEC §4 `compact`). */
  readonly compact?: CompactionHook;
}

/** One request, as the harness sends it. */
export interface EngineUnderTestRequest {
  readonly agent: string;
  readonly model?: string;
  readonly prompt: Prompt;
  readonly stream: boolean;
  readonly signal?: AbortSignal;
  readonly onDelta?: (delta: StreamDelta) => void;
}

/** A served request, as the harness reads it. */
export interface EngineUnderTestResult {
  readonly model: string;
  readonly text: string;
  readonly attempts: number;
}

/** A running engine under test. */
export interface EngineUnderTestInstance {
  run(request: EngineUnderTestRequest): Promise<EngineUnderTestResult>;
  close?(): Promise<void>;
}

/**
 * A policy of SPEC §3–§5 that some engines' configuration cannot express: `breaker` (§7 circuit breakers),
 * `fallback` (moving along a chain past its first model, §5–§6), `retries` (same-model retries and backoff,
 * §4), `stream-failover` (falling back after a stream failed once the provider had answered 200, before
 * or after its first token, §6).
 */
export type EnginePolicy = "breaker" | "fallback" | "retries" | "stream-failover";

/**
 * The module shape the harness drives: `export default { name, create(ctx) }`. Wrap your own engine in a
 * few lines of this and every scenario, property and check applies to it.
 */
export interface EngineUnderTest {
  readonly name: string;
  /**
   * `"spec"`: the engine writes SPEC §8 audit lines, so the harness judges them (schema, policy, the fleet
   * cross-check) and an engine that then writes nothing fails. Without it, checks that need the audit are
   * NOT CHECKED unless the engine writes an audit line anyway (SPEC §10.2).
   */
  readonly audit?: "spec";
  /**
   * Policies this engine cannot be configured to apply, each with a one-line reason ("Portkey has no circuit
   * breaker"). Expectations that only test such a policy are NOT CHECKED with that reason, never FAIL;
   * safety checks still apply (SPEC §10.3).
   */
  readonly cannotExpress?: Readonly<Partial<Record<EnginePolicy, string>>>;
  create(context: EngineUnderTestContext): EngineUnderTestInstance | Promise<EngineUnderTestInstance>;
}
