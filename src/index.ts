/**
 * fallback-harness — the reference model-fallback engine (SPEC §12). Every public name is listed here.
 */
export { createEngine } from "./engine/engine.ts";
export type { Engine, EnginePorts, EngineRequest, EngineResult, StreamDelta } from "./engine/engine.ts";
export { FallbackExhaustedError, FallbackConfigError, isFallbackExhaustedError } from "./engine/errors.ts";
export type { ExhaustedReason } from "./engine/errors.ts";
export type {
  ModelCaller,
  ModelCallPart,
  ModelCallRequest,
  FinishReason,
  Prompt,
  PromptMessage,
  CompactionHook,
} from "./engine/ports.ts";
export { ScriptedCaller, step } from "./engine/scripted-caller.ts";
export type { ScriptStep, ScriptedCall } from "./engine/scripted-caller.ts";
export { decideAction, configuredAction } from "./engine/decide-action.ts";
export { backoffDelay, backoffBounds, retryWait, policyFor } from "./engine/backoff.ts";

export { classify } from "./classify/classify.ts";
export type { ClassifyOptions } from "./classify/classify.ts";
export { readRetryAfterMs } from "./classify/retry-after.ts";
export { scrubMessage } from "./classify/scrub.ts";
export { StreamFailureError, isStreamFailureError } from "./classify/stream-failure.ts";
export type { StreamFailureReason } from "./classify/stream-failure.ts";
export {
  TAXONOMY,
  ERROR_TYPES,
  REASONS,
  typeOf,
  defaultAction,
  breakerEffect,
  isReason,
} from "./classify/taxonomy.ts";
export type { Classification, ErrorType, Reason, Action, BreakerEffect } from "./classify/taxonomy.ts";

export { parseConfig } from "./config/parse-config.ts";
export type { ConfigProblem, ParseConfigResult } from "./config/parse-config.ts";
export { settingsFor } from "./config/settings-for.ts";
export { formatProblems } from "./config/format-problems.ts";
export { DEFAULT_SETTINGS } from "./config/settings.ts";
export type {
  EngineConfig,
  FallbackSettings,
  FallbackOverrides,
  AgentConfig,
  BackoffPolicy,
  BreakerSettings,
  OnAllOpen,
} from "./config/settings.ts";

export { resolveChain } from "./chain/resolve-chain.ts";
export type { ChainSource } from "./chain/resolve-chain.ts";
export { PromotionTable } from "./chain/promotion.ts";

export {
  transition,
  INITIAL_BREAKER_STATE,
  LEGAL_TRANSITIONS,
  isLegalTransition,
} from "./breaker/breaker.ts";
export type {
  BreakerState,
  BreakerInput,
  BreakerStep,
  CircuitTransition,
  CircuitStateName,
  PermitDecision,
} from "./breaker/breaker.ts";
export { BreakerRegistry } from "./breaker/breaker-registry.ts";

export { AuditEventSchema, TERMINAL_EVENTS } from "./audit/events.ts";
export type { AuditEvent, AuditEventName, AuditEventBody } from "./audit/events.ts";
export { AuditWriter } from "./audit/writer.ts";
export { MemoryAuditSink } from "./audit/memory-sink.ts";
export type { AuditSink } from "./audit/sink.ts";

export { cancellableSleep, ManualClock } from "./core/clock.ts";
export type { CancellableSleep, Clock } from "./core/clock.ts";
export { createRandom, deriveRandom } from "./core/random.ts";
export type { Random } from "./core/random.ts";
export { isModelId, parseModelId, splitModelId } from "./core/model-id.ts";
export type { ModelId, ModelIdParts } from "./core/model-id.ts";

export type {
  EngineUnderTest,
  EnginePolicy,
  EngineUnderTestContext,
  EngineUnderTestInstance,
  EngineUnderTestRequest,
  EngineUnderTestResult,
  EutEndpoint,
} from "./eut.ts";

// Node adapters.
export { default as referenceEngine } from "./node/reference-eut.ts";
export { createNodeEngine } from "./node/create-node-engine.ts";
export type { NodeEngineOptions } from "./node/create-node-engine.ts";
export { loadConfigFile, parseConfigText } from "./node/load-config-file.ts";
export { JsonlFileSink } from "./node/jsonl-file-sink.ts";
export { defaultAuditPath } from "./node/audit-path.ts";
export { createAiSdkCaller } from "./node/ai-sdk-caller.ts";
export type { ProviderEndpoint, ProviderApi } from "./node/ai-sdk-caller.ts";
export { systemClock } from "./node/system-clock.ts";
