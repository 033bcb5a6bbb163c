import type { AuditSink } from "../audit/sink.ts";
import type { AuditWriter } from "../audit/writer.ts";
import type { BreakerRegistry } from "../breaker/breaker-registry.ts";
import type { CircuitStateName } from "../breaker/breaker.ts";
import type { PromotionTable } from "../chain/promotion.ts";
import type { EngineConfig } from "../config/settings.ts";
import type { Clock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import type { Random } from "../core/random.ts";
import type { CompactionHook, ModelCaller, Prompt } from "./ports.ts";
import type { RequestPlans } from "./request-plans.ts";

/** The engine's ports: everything it needs from the world, injected. */
export interface EnginePorts {
  readonly clock: Clock;
  /** Jitter source (SPEC §4). Give each engine its own stream, e.g. `deriveRandom(seed, "jitter")`. */
  readonly random: Random;
  readonly caller: ModelCaller;
  /** Where audit lines go; omitted = no audit. */
  readonly audit?: AuditSink;
  /** Enables the `compact` action (SPEC §4); without it context overflow falls back. */
  readonly compact?: CompactionHook;
  /** Request ids; default `req-000001`, `req-000002`, … per engine, so runs are reproducible. */
  readonly requestId?: () => string;
  /** Validate every audit line against the schema before writing it (tests). */
  readonly validateAudit?: boolean;
}

/** Streaming output: text, or a reset telling the caller to discard what it has shown (SPEC §6). */
export type StreamDelta =
  | { readonly type: "text"; readonly text: string; readonly model: ModelId }
  | { readonly type: "reset"; readonly model: ModelId; readonly reason: string };

/** One logical call by an agent (SPEC §10). */
export interface EngineRequest {
  readonly agent: string;
  readonly model?: ModelId;
  readonly prompt: Prompt;
  readonly stream: boolean;
  readonly signal?: AbortSignal;
  readonly onDelta?: (delta: StreamDelta) => void;
}

/** A served request. */
export interface EngineResult {
  readonly requestId: string;
  /** The model that produced `text`. */
  readonly model: ModelId;
  /** Exactly the serving model's full output. */
  readonly text: string;
  /** Provider calls made for this request. */
  readonly attempts: number;
  /** Served by a model other than the head of the request's chain. */
  readonly fallback: boolean;
}

/** A fallback engine instance; breaker and promotion state are shared by all its requests. */
export interface Engine {
  run(request: EngineRequest): Promise<EngineResult>;
  /** The circuit state of a model right now (lazy transitions are not applied by looking). */
  circuitState(model: ModelId): CircuitStateName;
  close(): Promise<void>;
}

/** State shared by every request of one engine. */
export interface EngineShared {
  readonly config: EngineConfig;
  readonly ports: EnginePorts;
  /** Absent when the engine has no audit sink: then no line is even built. */
  readonly audit: AuditWriter | undefined;
  readonly breakers: BreakerRegistry;
  readonly promotions: PromotionTable;
  /** Settings and chain per (agent, explicit model), resolved once. */
  readonly plans: RequestPlans;
}
