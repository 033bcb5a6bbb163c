import { z } from "zod";
import { isModelIdShape as isModelId } from "./model-id-shape.ts";
import { ORACLE_ACTIONS, ORACLE_ERROR_TYPES, ORACLE_REASONS, type OracleReason } from "./action-table.ts";

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Epoch ms of an ISO-8601 UTC timestamp with exactly three fraction digits, or undefined for anything else. */
export function parseIsoMillis(value: unknown): number | undefined {
  if (typeof value !== "string" || !ISO_MILLIS.test(value)) return undefined;
  const ms = Date.parse(value);
  // Date.parse rolls 2024-02-30 over to March; a round trip rejects impossible dates.
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== value) return undefined;
  return ms;
}

const modelId = z.string().refine(isModelId, { message: "expected a model id of the form provider/model" });
const iso = z.string().refine((value) => parseIsoMillis(value) !== undefined, {
  message: "expected an ISO-8601 UTC time with milliseconds",
});
const positive = z.number().int().positive();
const count = z.number().int().nonnegative();
const reason = z.enum(ORACLE_REASONS as [OracleReason, ...OracleReason[]]);
const errorType = z.enum(ORACLE_ERROR_TYPES);
const state = z.enum(["closed", "open", "half_open"]);

const common = {
  v: z.literal(1),
  seq: positive,
  ts: iso,
  event: z.string(),
  request_id: z.string().min(1),
  agent: z.string(),
};

/** Each event's fields beyond the common ones, straight from the SPEC §8 table. */
const EVENT_SHAPES = {
  fallback_request: { chain: z.array(modelId).min(1), primary: modelId },
  fallback_attempt: { model: modelId, attempt: positive, model_attempt: positive },
  fallback_success: { model: modelId, attempt: positive, latency_ms: count, fallback: z.boolean() },
  fallback_failure: {
    model: modelId,
    attempt: positive,
    model_attempt: positive,
    error_type: errorType,
    reason,
    status: z.number().int().min(100).max(599).nullable(),
    retry_after_ms: count.nullable(),
    action: z.enum(ORACLE_ACTIONS),
    delay_ms: count.nullable(),
    latency_ms: count,
  },
  fallback_model_skipped: {
    model: modelId,
    reason: z.enum(["circuit_open", "half_open_busy", "invalid", "deadline"]),
  },
  circuit_transition: {
    model: modelId,
    from: state,
    to: state,
    failures: count,
    cooldown_until: iso.nullable(),
    cause: z.enum(["cooldown_elapsed", "probe_forced", "probe_success", ...ORACLE_REASONS]),
  },
  fallback_promoted: { model: modelId, until: iso },
  fallback_exhausted: {
    attempts: count,
    error_type: errorType.nullable(),
    reason: z.enum(["deadline", "all_open", ...ORACLE_REASONS]),
  },
} as const;

/** The event names of SPEC §8. */
export type AuditEventName = keyof typeof EVENT_SHAPES;
/** The event names, in SPEC §8 order. */
export const AUDIT_EVENT_NAMES = Object.keys(EVENT_SHAPES) as AuditEventName[];

const schemas = {
  fallback_request: z.object({
    ...common,
    event: z.literal("fallback_request"),
    ...EVENT_SHAPES.fallback_request,
  }),
  fallback_attempt: z.object({
    ...common,
    event: z.literal("fallback_attempt"),
    ...EVENT_SHAPES.fallback_attempt,
  }),
  fallback_success: z.object({
    ...common,
    event: z.literal("fallback_success"),
    ...EVENT_SHAPES.fallback_success,
  }),
  fallback_failure: z.object({
    ...common,
    event: z.literal("fallback_failure"),
    ...EVENT_SHAPES.fallback_failure,
  }),
  fallback_model_skipped: z.object({
    ...common,
    event: z.literal("fallback_model_skipped"),
    ...EVENT_SHAPES.fallback_model_skipped,
  }),
  circuit_transition: z.object({
    ...common,
    event: z.literal("circuit_transition"),
    ...EVENT_SHAPES.circuit_transition,
  }),
  fallback_promoted: z.object({
    ...common,
    event: z.literal("fallback_promoted"),
    ...EVENT_SHAPES.fallback_promoted,
  }),
  fallback_exhausted: z.object({
    ...common,
    event: z.literal("fallback_exhausted"),
    ...EVENT_SHAPES.fallback_exhausted,
  }),
};

/** The oracle's audit-line schema (zod), per event. Extras are stripped; `parseAuditLine` rejects non-`x_` ones. */
export const ORACLE_AUDIT_SCHEMAS = schemas;

/** One audit line, parsed and typed. */
export type AuditLine = { [K in AuditEventName]: z.infer<(typeof schemas)[K]> }[AuditEventName];

/** Why a line does not fit the schema, as a checker rule id and one sentence. */
export interface SchemaProblem {
  readonly rule:
    | "unknown-event"
    | "field-missing"
    | "field-unknown"
    | "field-invalid"
    | "version-unsupported"
    | "ts-format";
  readonly message: string;
}

function isEventName(value: unknown): value is AuditEventName {
  return typeof value === "string" && Object.hasOwn(EVENT_SHAPES, value);
}

/**
 * Checks one decoded JSON value against SPEC §8: a known event, every field present (`null`, never
 * omitted), only `x_` extras, `v: 1`, `ts` in ISO-8601 UTC with milliseconds, then every field's type.
 */
export function parseAuditLine(
  value: unknown,
): { readonly ok: true; readonly line: AuditLine } | { readonly ok: false; readonly problem: SchemaProblem } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problem: { rule: "field-invalid", message: "the line is not a JSON object" } };
  }
  const record = value as Record<string, unknown>;
  if (!("event" in record))
    return { ok: false, problem: { rule: "field-missing", message: 'the field "event" is missing' } };
  const event = record.event;
  if (!isEventName(event)) {
    return {
      ok: false,
      problem: {
        rule: "unknown-event",
        message: `the event ${JSON.stringify(event)} is not one of SPEC §8 (${AUDIT_EVENT_NAMES.join(", ")})`,
      },
    };
  }
  const known = [...Object.keys(common), ...Object.keys(EVENT_SHAPES[event])];
  const missing = known.filter((key) => !Object.hasOwn(record, key));
  if (missing.length > 0) {
    return {
      ok: false,
      problem: {
        rule: "field-missing",
        message: `${event} lacks ${missing.map((key) => `"${key}"`).join(", ")} (a field that does not apply is null, never omitted)`,
      },
    };
  }
  const unknown = Object.keys(record).filter((key) => !known.includes(key) && !key.startsWith("x_"));
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: {
        rule: "field-unknown",
        message: `${event} has ${unknown.map((key) => `"${key}"`).join(", ")}, which SPEC §8 does not define (extensions must start with x_)`,
      },
    };
  }
  if (record.v !== 1)
    return {
      ok: false,
      problem: {
        rule: "version-unsupported",
        message: `v is ${JSON.stringify(record.v)}; this checker reads version 1`,
      },
    };
  if (parseIsoMillis(record.ts) === undefined) {
    return {
      ok: false,
      problem: {
        rule: "ts-format",
        message: `ts ${JSON.stringify(record.ts)} is not ISO-8601 UTC with milliseconds (e.g. 2025-01-01T00:00:00.000Z)`,
      },
    };
  }
  const parsed = schemas[event].safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `;
    return {
      ok: false,
      problem: {
        rule: "field-invalid",
        message: `${event} ${where}${issue?.message ?? "does not fit the schema"}`,
      },
    };
  }
  return { ok: true, line: parsed.data };
}
