import {
  ORACLE_AUDIT_SCHEMAS as SCHEMAS,
  type AuditEventName,
  type AuditLine,
} from "../oracle/audit-schema.ts";
import { isoMillis } from "./iso-millis.ts";

/*
 * The checker's hot path: a hand-written test of the SPEC §8 row of each event, a few typeof checks per
 * field and a switch on the event, where zod's safeParse cost most of `check`'s time. It only ever says yes
 * to a line the oracle's schema (`parseAuditLine`) accepts unchanged; any doubt (an x_ extra, a model id not
 * seen before, a bad field) returns undefined and the caller asks the schema, which also words the problem.
 * The enums come from the schema itself so the two cannot drift apart.
 */

const FAILURE = SCHEMAS.fallback_failure.shape;
const TRANSITION = SCHEMAS.circuit_transition.shape;
const EXHAUSTED = SCHEMAS.fallback_exhausted.shape;
const FAILURE_REASONS: ReadonlySet<unknown> = new Set(FAILURE.reason.options);
const ERROR_TYPES: ReadonlySet<unknown> = new Set(FAILURE.error_type.options);
const ACTIONS: ReadonlySet<unknown> = new Set(FAILURE.action.options);
const SKIP_REASONS: ReadonlySet<unknown> = new Set(SCHEMAS.fallback_model_skipped.shape.reason.options);
const STATES: ReadonlySet<unknown> = new Set(TRANSITION.from.options);
const CAUSES: ReadonlySet<unknown> = new Set(TRANSITION.cause.options);
const EXHAUSTED_REASONS: ReadonlySet<unknown> = new Set(EXHAUSTED.reason.options);
const EXHAUSTED_ERROR_TYPES: ReadonlySet<unknown> = new Set(EXHAUSTED.error_type.unwrap().options);

/** Keys each event's row has (common fields included): a line with more has extras. */
const KEY_COUNT = Object.fromEntries(
  Object.entries(SCHEMAS).map(([event, schema]) => [event, Object.keys(schema.shape).length]),
) as Record<AuditEventName, number>;

const MODEL_ID = SCHEMAS.fallback_attempt.shape.model;
/** Model ids the schema accepted; a log names a handful, so after the first line each costs a lookup. */
const knownModels = new Set<string>();
const MAX_KNOWN_MODELS = 4096;

function isModel(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (knownModels.has(value)) return true;
  if (!MODEL_ID.safeParse(value).success) return false;
  if (knownModels.size < MAX_KNOWN_MODELS) knownModels.add(value);
  return true;
}

function isPositive(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isNullableCount(value: unknown): boolean {
  return value === null || isCount(value);
}

function isStatus(value: unknown): boolean {
  return (
    value === null ||
    (typeof value === "number" && Number.isSafeInteger(value) && value >= 100 && value <= 599)
  );
}

function isChain(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value as unknown[]) if (!isModel(item)) return false;
  return true;
}

/**
 * Keys of the record, inherited enumerable ones included: without an own-key test for-in runs off V8's enum
 * cache, several times faster, and an inherited key can only make the count too high, i.e. send the line
 * to the schema.
 */
function keyCount(record: object): number {
  let count = 0;
  for (const _key in record) count += 1;
  return count;
}

/** The fields beyond the common ones, per SPEC §8's table (audit-schema.ts's EVENT_SHAPES). */
function eventFieldsFit(event: AuditEventName, r: Record<string, unknown>): boolean {
  switch (event) {
    case "fallback_request":
      return isChain(r.chain) && isModel(r.primary);
    case "fallback_attempt":
      return isModel(r.model) && isPositive(r.attempt) && isPositive(r.model_attempt);
    case "fallback_success":
      return (
        isModel(r.model) && isPositive(r.attempt) && isCount(r.latency_ms) && typeof r.fallback === "boolean"
      );
    case "fallback_failure":
      return (
        isModel(r.model) &&
        isPositive(r.attempt) &&
        isPositive(r.model_attempt) &&
        ERROR_TYPES.has(r.error_type) &&
        FAILURE_REASONS.has(r.reason) &&
        isStatus(r.status) &&
        isNullableCount(r.retry_after_ms) &&
        ACTIONS.has(r.action) &&
        isNullableCount(r.delay_ms) &&
        isCount(r.latency_ms)
      );
    case "fallback_model_skipped":
      return isModel(r.model) && SKIP_REASONS.has(r.reason);
    case "circuit_transition":
      return (
        isModel(r.model) &&
        STATES.has(r.from) &&
        STATES.has(r.to) &&
        isCount(r.failures) &&
        (r.cooldown_until === null || isoMillis(r.cooldown_until) !== undefined) &&
        CAUSES.has(r.cause)
      );
    case "fallback_promoted":
      return isModel(r.model) && isoMillis(r.until) !== undefined;
    case "fallback_exhausted":
      return (
        isCount(r.attempts) &&
        (r.error_type === null || EXHAUSTED_ERROR_TYPES.has(r.error_type)) &&
        EXHAUSTED_REASONS.has(r.reason)
      );
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

function eventOf(value: unknown): AuditEventName | undefined {
  switch (value) {
    case "fallback_request":
    case "fallback_attempt":
    case "fallback_success":
    case "fallback_failure":
    case "fallback_model_skipped":
    case "circuit_transition":
    case "fallback_promoted":
    case "fallback_exhausted":
      return value;
    default:
      return undefined;
  }
}

/**
 * The decoded line as an {@link AuditLine} when it certainly fits SPEC §8 with no extra field (then it is
 * what `parseAuditLine` would return, key order aside), else undefined: ask `parseAuditLine`.
 */
export function fastAuditLine(value: unknown): AuditLine | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const event = eventOf(r.event);
  if (
    event === undefined ||
    r.v !== 1 ||
    !isPositive(r.seq) ||
    typeof r.request_id !== "string" ||
    r.request_id === "" ||
    typeof r.agent !== "string" ||
    isoMillis(r.ts) === undefined ||
    !eventFieldsFit(event, r) ||
    keyCount(r) !== KEY_COUNT[event]
  )
    return undefined;
  return r as AuditLine;
}
