import { ORACLE_AUDIT_SCHEMAS as SCHEMAS, type AuditEventName } from "../oracle/audit-schema.ts";
import {
  fixedTexts,
  nullable,
  oneOf,
  readBoolean,
  readChain,
  readCount,
  readIso,
  readModel,
  readPositive,
  readStatus,
  type Reader,
} from "./scan-readers.ts";

/*
 * The scanner's field table: each SPEC §8 event's fields beyond the common ones, in the table's (and the
 * writers') order, with the reader of each value, and the builder that makes the event's line from them.
 * The enums come from the oracle's schema so the two cannot drift apart.
 */

const FAILURE = SCHEMAS.fallback_failure.shape;
const TRANSITION = SCHEMAS.circuit_transition.shape;
const EXHAUSTED = SCHEMAS.fallback_exhausted.shape;

/** One field of an event's row: its key as it appears after the previous value, and how to read its value. */
export interface Field {
  readonly name: string;
  readonly token: string;
  readonly read: Reader;
}

function field(name: string, read: Reader): Field {
  return { name, token: `,"${name}":`, read };
}

const model = field("model", readModel);
const attempt = field("attempt", readPositive);
const modelAttempt = field("model_attempt", readPositive);
const latency = field("latency_ms", readCount);

/** Each event's fields beyond the common ones, in SPEC §8's (and the writers') order. */
export const EVENT_FIELDS: Readonly<Record<AuditEventName, readonly Field[]>> = {
  fallback_request: [field("chain", readChain), field("primary", readModel)],
  fallback_attempt: [model, attempt, modelAttempt],
  fallback_success: [model, attempt, latency, field("fallback", readBoolean)],
  fallback_failure: [
    model,
    attempt,
    modelAttempt,
    field("error_type", oneOf(FAILURE.error_type.options)),
    field("reason", oneOf(FAILURE.reason.options)),
    field("status", nullable(readStatus)),
    field("retry_after_ms", nullable(readCount)),
    field("action", oneOf(FAILURE.action.options)),
    field("delay_ms", nullable(readCount)),
    latency,
  ],
  fallback_model_skipped: [
    model,
    field("reason", oneOf(SCHEMAS.fallback_model_skipped.shape.reason.options)),
  ],
  circuit_transition: [
    model,
    field("from", oneOf(TRANSITION.from.options)),
    field("to", oneOf(TRANSITION.to.options)),
    field("failures", readCount),
    field("cooldown_until", nullable(readIso)),
    field("cause", oneOf(TRANSITION.cause.options)),
  ],
  fallback_promoted: [model, field("until", readIso)],
  fallback_exhausted: [
    field("attempts", readCount),
    field("error_type", nullable(oneOf(EXHAUSTED.error_type.unwrap().options))),
    field("reason", oneOf(EXHAUSTED.reason.options)),
  ],
};

/** Makes an event's line from its common fields and its own fields' values (passed apart: no object for them). */
export type Build = (
  seq: number,
  ts: string,
  requestId: string,
  agent: string,
  f: readonly unknown[],
) => unknown;

/**
 * Each event's line made in one object literal, keys in the writers' order: one allocation of the final
 * shape, where adding the fields one by one grew the object's property store several times per line.
 */
export const BUILD: Readonly<Record<AuditEventName, Build>> = {
  fallback_request: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_request",
    request_id,
    agent,
    chain: f[0],
    primary: f[1],
  }),
  fallback_attempt: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_attempt",
    request_id,
    agent,
    model: f[0],
    attempt: f[1],
    model_attempt: f[2],
  }),
  fallback_success: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_success",
    request_id,
    agent,
    model: f[0],
    attempt: f[1],
    latency_ms: f[2],
    fallback: f[3],
  }),
  fallback_failure: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_failure",
    request_id,
    agent,
    model: f[0],
    attempt: f[1],
    model_attempt: f[2],
    error_type: f[3],
    reason: f[4],
    status: f[5],
    retry_after_ms: f[6],
    action: f[7],
    delay_ms: f[8],
    latency_ms: f[9],
  }),
  fallback_model_skipped: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_model_skipped",
    request_id,
    agent,
    model: f[0],
    reason: f[1],
  }),
  circuit_transition: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "circuit_transition",
    request_id,
    agent,
    model: f[0],
    from: f[1],
    to: f[2],
    failures: f[3],
    cooldown_until: f[4],
    cause: f[5],
  }),
  fallback_promoted: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_promoted",
    request_id,
    agent,
    model: f[0],
    until: f[1],
  }),
  fallback_exhausted: (seq, ts, request_id, agent, f) => ({
    v: 1,
    seq,
    ts,
    event: "fallback_exhausted",
    request_id,
    agent,
    attempts: f[0],
    error_type: f[1],
    reason: f[2],
  }),
};

// Each builder must take its event's fields in EVENT_FIELDS order and make the keys in that order: checked at load.
for (const [event, fields] of Object.entries(EVENT_FIELDS) as [AuditEventName, readonly Field[]][]) {
  const built = Object.keys(
    BUILD[event](
      1,
      "",
      "",
      "",
      fields.map((f) => f.name),
    ) as object,
  );
  const expected = ["v", "seq", "ts", "event", "request_id", "agent", ...fields.map((f) => f.name)];
  if (built.join() !== expected.join())
    throw new Error(
      `scan-audit-line.ts: BUILD.${event} makes the keys ${built.join()}, not ${expected.join()}. Fix BUILD.`,
    );
}

/** The event a line names at `at` (just past its opening quote) if any, told apart by one or two characters; the caller compares the whole name. */
export function eventAt(text: string, at: number): AuditEventName | undefined {
  let event: AuditEventName;
  if (text.charCodeAt(at) === 0x63) event = "circuit_transition";
  else
    switch (text.charCodeAt(at + 9)) {
      case 0x72: // r
        event = "fallback_request";
        break;
      case 0x61: // a
        event = "fallback_attempt";
        break;
      case 0x73: // s
        event = "fallback_success";
        break;
      case 0x66: // f
        event = "fallback_failure";
        break;
      case 0x6d: // m
        event = "fallback_model_skipped";
        break;
      case 0x70: // p
        event = "fallback_promoted";
        break;
      case 0x65: // e
        event = "fallback_exhausted";
        break;
      default:
        return undefined;
    }
  return event;
}

/** Each event's name with what follows it up to the request id's opening quote. */
export const EVENT_TOKENS = Object.fromEntries(
  Object.keys(EVENT_FIELDS).map((event) => [event, `${event}","request_id":"`]),
) as Readonly<Record<AuditEventName, string>>;
for (const fields of Object.values(EVENT_FIELDS)) for (const { token } of fields) fixedTexts.push(token);
fixedTexts.push(...Object.values(EVENT_TOKENS));
