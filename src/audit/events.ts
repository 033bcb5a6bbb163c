import { z } from "zod";
import { REASONS } from "../classify/taxonomy.ts";
import { isModelId, type ModelId } from "../core/model-id.ts";

/**
 * The audit log's event schema (SPEC §8). Every field of a row is present; one that does not apply is
 * `null`, never omitted. Unknown fields are allowed only when prefixed `x_`.
 */
const modelId = z.string().refine(isModelId, {
  message: "expected a model id of the form provider/model",
}) as unknown as z.ZodType<ModelId>;
const isoMillis = z.iso.datetime({ precision: 3, offset: false });
const errorType = z.enum([
  "ContextLength",
  "NetworkPermanent",
  "ProviderRateLimit",
  "NetworkTransient",
  "ProviderError",
  "LogicError",
]);
const reason = z.enum(REASONS as [string, ...string[]]);
const count = z.number().int().nonnegative();
const positive = z.number().int().positive();

const common = {
  v: z.literal(1),
  seq: positive,
  ts: isoMillis,
  request_id: z.string().min(1),
  agent: z.string(),
};

/** Only `x_`-prefixed extras pass. */
function event<const Name extends string, Shape extends z.ZodRawShape>(name: Name, shape: Shape) {
  return z.looseObject({ ...common, event: z.literal(name), ...shape }).superRefine((row, ctx) => {
    const known = new Set<string>([...Object.keys(common), "event", ...Object.keys(shape)]);
    for (const key of Object.keys(row)) {
      if (!known.has(key) && !key.startsWith("x_")) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown field "${key}" (extensions must start with x_)`,
        });
      }
    }
  });
}

export const FallbackRequestEvent = event("fallback_request", {
  chain: z.array(modelId).min(1),
  primary: modelId,
});
export const FallbackAttemptEvent = event("fallback_attempt", {
  model: modelId,
  attempt: positive,
  model_attempt: positive,
});
export const FallbackSuccessEvent = event("fallback_success", {
  model: modelId,
  attempt: positive,
  latency_ms: count,
  fallback: z.boolean(),
});
export const FallbackFailureEvent = event("fallback_failure", {
  model: modelId,
  attempt: positive,
  model_attempt: positive,
  error_type: errorType,
  reason,
  status: z.number().int().nullable(),
  retry_after_ms: count.nullable(),
  action: z.enum(["retry", "fallback", "compact", "fail"]),
  delay_ms: count.nullable(),
  latency_ms: count,
});
export const FallbackModelSkippedEvent = event("fallback_model_skipped", {
  model: modelId,
  reason: z.enum(["circuit_open", "half_open_busy", "invalid", "deadline"]),
});
export const CircuitTransitionEvent = event("circuit_transition", {
  model: modelId,
  from: z.enum(["closed", "open", "half_open"]),
  to: z.enum(["closed", "open", "half_open"]),
  failures: count,
  cooldown_until: isoMillis.nullable(),
  cause: z.string().min(1),
});
export const FallbackPromotedEvent = event("fallback_promoted", {
  model: modelId,
  until: isoMillis,
});
export const FallbackExhaustedEvent = event("fallback_exhausted", {
  attempts: count,
  error_type: errorType.nullable(),
  reason: z.string().min(1),
});

/** Any audit line. Validate with `AuditEventSchema.safeParse(JSON.parse(line))`. */
export const AuditEventSchema = z.discriminatedUnion("event", [
  FallbackRequestEvent,
  FallbackAttemptEvent,
  FallbackSuccessEvent,
  FallbackFailureEvent,
  FallbackModelSkippedEvent,
  CircuitTransitionEvent,
  FallbackPromotedEvent,
  FallbackExhaustedEvent,
]);

/** One audit line, parsed. */
export type AuditEvent = z.infer<typeof AuditEventSchema>;
/** The event names. */
export type AuditEventName = AuditEvent["event"];
/** An event as the engine emits it, before the writer stamps `v`, `seq` and `ts`. */
export type AuditEventBody = AuditEvent extends infer E
  ? E extends AuditEvent
    ? Omit<E, "v" | "seq" | "ts">
    : never
  : never;
/** Events that end a request. */
export const TERMINAL_EVENTS = ["fallback_success", "fallback_exhausted"] as const;
