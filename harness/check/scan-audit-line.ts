import {
  ORACLE_AUDIT_SCHEMAS as SCHEMAS,
  type AuditEventName,
  type AuditLine,
} from "../oracle/audit-schema.ts";
import { isModelIdShape } from "../oracle/model-id-shape.ts";
import { isoMillis } from "./iso-millis.ts";
import { mayHoldSecret } from "./secret-prefilter.ts";

/*
 * The checker's hot path, in place of JSON.parse + a test of the decoded object: one pass over the text of a
 * line laid out the way audit writers write it (JSON.stringify of the SPEC §8 row, fields in the table's
 * order, no spaces), testing each value as it is read. JSON.parse alone cost more than everything else
 * `check` does with a line, because it builds every string and object through the generic machinery.
 *
 * It only ever says yes to a line that `JSON.parse` + `parseAuditLine` accept as the same line: any doubt
 * (another key order, an x_ extra, an escape, a float, a space, a value out of range) returns undefined and
 * the caller takes the slow path, which also words the problem. scan-audit-line.prop.test.ts holds it to
 * that on random valid and corrupted lines. The enums come from the schema so the two cannot drift apart.
 *
 * It also tells whether the line may hold a credential (scanMayHoldSecret), so most lines skip the secret
 * regexes: the secret prefilter's anchors are made of letters, digits and `-`, so one cannot run across a
 * quote, a comma or a colon; the fixed text of the layout (keys, enum values, literals) is tested once at
 * load, numbers and times hold no letter of an anchor, which leaves the free strings (request id, agent,
 * model ids), each tested when first met.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** JSON forbids raw control characters in strings; a line holding one goes to the slow path. */
const FIRST_PRINTABLE = 0x20;
/**
 * Up to 16 digits: read digit by digit, the value is exact while it stays a safe integer (2^53 − 1 has 16
 * digits), and a larger one rounds to at least 2^53, which is refused (the schema wants safe integers).
 */
const MAX_DIGITS = 16;
const ISO_LENGTH = 24;

const FAILURE = SCHEMAS.fallback_failure.shape;
const TRANSITION = SCHEMAS.circuit_transition.shape;
const EXHAUSTED = SCHEMAS.fallback_exhausted.shape;

/** Where the scan stands and the last value read; one object reused, since the scan runs once per line. */
const cursor = { at: 0, value: undefined as unknown };

/** The index of the closing quote of the plain string whose content starts at `at`; -1 for an escape, a control character or no end. */
function stringEnd(text: string, at: number): number {
  for (let i = at; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    if (code === BACKSLASH || code < FIRST_PRINTABLE) return -1;
  }
  return -1;
}

/**
 * Whether `token` is at `at`. `indexOf` compares in native code, several times faster than `startsWith` or a
 * loop of charCodeAt here; a miss may search on past `at`, but misses are rare (lines in another layout).
 */
function has(text: string, at: number, token: string): boolean {
  return text.indexOf(token, at) === at;
}

/** `value` followed by its closing quote at `at`; the two cheap characters are tested first, for lists of candidates. */
function isAt(text: string, at: number, value: string): boolean {
  return (
    text.charCodeAt(at + value.length) === QUOTE &&
    text.charCodeAt(at) === value.charCodeAt(0) &&
    has(text, at, value)
  );
}

type Reader = (text: string) => boolean;

/** A plain string (no escape): the caller tests it. */
function readString(text: string): boolean {
  const at = cursor.at;
  if (text.charCodeAt(at) !== QUOTE) return false;
  const end = stringEnd(text, at + 1);
  if (end < 0) return false;
  cursor.value = text.slice(at + 1, end);
  cursor.at = end + 1;
  return true;
}

/** A non-negative integer in JSON's form (no sign, no leading zero, no fraction or exponent). */
function readCount(text: string): boolean {
  const first = cursor.at;
  let i = first;
  let value = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) break;
    value = value * 10 + (code - DIGIT_0);
  }
  const digits = i - first;
  if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && text.charCodeAt(first) === DIGIT_0)) return false;
  if (value > Number.MAX_SAFE_INTEGER) return false;
  // After a number only `,` or `}` may follow in this layout; `.5` or `e3` send the line to JSON.parse.
  const next = text.charCodeAt(i);
  if (next !== COMMA && next !== CLOSE_BRACE) return false;
  cursor.value = value;
  cursor.at = i;
  return true;
}

function readPositive(text: string): boolean {
  return readCount(text) && (cursor.value as number) > 0;
}

function readNull(text: string): boolean {
  if (!has(text, cursor.at, "null")) return false;
  cursor.at += 4;
  cursor.value = null;
  return true;
}

function nullable(read: Reader): Reader {
  return (text) => (text.charCodeAt(cursor.at) === 0x6e ? readNull(text) : read(text));
}

function readStatus(text: string): boolean {
  if (!readCount(text)) return false;
  const status = cursor.value as number;
  return status >= 100 && status <= 599;
}

function readBoolean(text: string): boolean {
  // The first letter picks the one literal to compare: a missed `has` searches the rest of the line.
  const first = text.charCodeAt(cursor.at);
  if (first === 0x74 && has(text, cursor.at, "true")) {
    cursor.at += 4;
    cursor.value = true;
    return true;
  }
  if (first === 0x66 && has(text, cursor.at, "false")) {
    cursor.at += 5;
    cursor.value = false;
    return true;
  }
  return false;
}

/** Whether the line being scanned has a free string that may hold a credential. */
let suspect = false;
/** Whether the last line scanned may hold a credential (the checker then runs the secret patterns on it). */
export function scanMayHoldSecret(): boolean {
  return suspect;
}

/** The layout's fixed text (keys, enum values, literals), tested for secret anchors once at load. */
const fixedTexts: string[] = ["true", "false", "null"];

/** One of the schema's enum values: the constant itself is handed out, so later lookups hash nothing. */
function oneOf(options: readonly string[]): Reader {
  fixedTexts.push(...options);
  return (text) => {
    const at = cursor.at + 1;
    if (text.charCodeAt(cursor.at) !== QUOTE) return false;
    for (const option of options)
      if (isAt(text, at, option)) {
        cursor.value = option;
        cursor.at = at + option.length + 1;
        return true;
      }
    return false;
  };
}

const TS = ',"ts":';
/** Where the last digit of a time's milliseconds is, in the time and in `tsEventToken`. */
const LAST_DIGIT = 22;
const TOKEN_LAST_DIGIT = TS.length + 1 + LAST_DIGIT;
const EVENT = '","event":"';

/** The last time read (a valid one to begin with): lines of a request often share it, then it is handed out again. */
let lastIso = "1970-01-01T00:00:00.000Z";
/** `,"ts":"<lastIso>","event":"`: a line at the last time is matched up to its event in one comparison. */
let tsEventToken = `${TS}"${lastIso}${EVENT}`;

function readIso(text: string): boolean {
  const at = cursor.at + 1;
  if (text.charCodeAt(cursor.at) !== QUOTE || text.charCodeAt(at + ISO_LENGTH) !== QUOTE) return false;
  // Most new times differ from the last in the milliseconds' last digit: test it before a whole compare.
  if (text.charCodeAt(at + LAST_DIGIT) !== lastIso.charCodeAt(LAST_DIGIT) || !has(text, at, lastIso)) {
    const value = text.slice(at, at + ISO_LENGTH);
    if (isoMillis(value) === undefined) return false;
    lastIso = value;
    tsEventToken = `${TS}"${value}${EVENT}`;
  }
  cursor.value = lastIso;
  cursor.at = at + ISO_LENGTH + 1;
  return true;
}

/**
 * Model ids seen, most logs name a handful: after the first line each is recognised in place and handed out
 * as the same string. Bounded, so a log of ever-new ids costs a slice and a shape test each.
 */
const knownModels: string[] = [];
/** Whether each known model id may hold a credential (an id like `sk-…` would). */
const knownModelSuspect: boolean[] = [];
const MAX_KNOWN_MODELS = 32;

function readModel(text: string): boolean {
  const at = cursor.at + 1;
  if (text.charCodeAt(cursor.at) !== QUOTE) return false;
  for (let i = 0; i < knownModels.length; i++) {
    const model = knownModels[i] as string;
    if (isAt(text, at, model)) {
      cursor.value = model;
      cursor.at = at + model.length + 1;
      if (knownModelSuspect[i] === true) suspect = true;
      return true;
    }
  }
  if (!readString(text) || !isModelIdShape(cursor.value)) return false;
  const model = cursor.value as string;
  const modelSuspect = mayHoldSecret(model);
  if (modelSuspect) suspect = true;
  if (knownModels.length < MAX_KNOWN_MODELS) {
    knownModels.push(model);
    knownModelSuspect.push(modelSuspect);
  }
  return true;
}

/** A non-empty array of model ids. */
function readChain(text: string): boolean {
  if (text.charCodeAt(cursor.at) !== 0x5b) return false;
  cursor.at += 1;
  const chain: string[] = [];
  for (;;) {
    if (!readModel(text)) return false;
    chain.push(cursor.value as string);
    const code = text.charCodeAt(cursor.at);
    cursor.at += 1;
    if (code === CLOSE_BRACKET) break;
    if (code !== COMMA) return false;
  }
  cursor.value = chain;
  return true;
}

/** One field of an event's row: its key as it appears after the previous value, and how to read its value. */
interface Field {
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
const EVENT_FIELDS: Readonly<Record<AuditEventName, readonly Field[]>> = {
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

/** The values of the event's own fields, in order, as the scan reads them; reused from line to line. */
const values: unknown[] = [];

/** Makes an event's line from its common fields and its own fields' values (passed apart: no object for them). */
type Build = (seq: number, ts: string, requestId: string, agent: string, f: readonly unknown[]) => unknown;

/**
 * Each event's line made in one object literal, keys in the writers' order: one allocation of the final
 * shape, where adding the fields one by one grew the object's property store several times per line.
 */
const BUILD: Readonly<Record<AuditEventName, Build>> = {
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
function eventAt(text: string, at: number): AuditEventName | undefined {
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

const HEAD = '{"v":1,"seq":';
/** Each event's name with what follows it up to the request id's opening quote. */
const EVENT_TOKENS = Object.fromEntries(
  Object.keys(EVENT_FIELDS).map((event) => [event, `${event}","request_id":"`]),
) as Readonly<Record<AuditEventName, string>>;
const AGENT = ',"agent":';

/** The last agent read, and `,"agent":"<it>"`: a log names a few, so it is usually matched in one comparison. */
let lastAgent = "";
let agentToken = `${AGENT}""`;
let lastAgentSuspect = false;

function readAgent(text: string): boolean {
  if (has(text, cursor.at, agentToken)) {
    cursor.value = lastAgent;
    cursor.at += agentToken.length;
    if (lastAgentSuspect) suspect = true;
    return true;
  }
  if (!expect(text, AGENT) || !readString(text)) return false;
  lastAgent = cursor.value as string;
  agentToken = `${AGENT}"${lastAgent}"`;
  lastAgentSuspect = mayHoldSecret(lastAgent);
  if (lastAgentSuspect) suspect = true;
  return true;
}

/** The time and the event; the cursor ends on the request id's opening quote. */
function readTimeAndEvent(text: string): AuditEventName | undefined {
  if (
    text.charCodeAt(cursor.at + TOKEN_LAST_DIGIT) === tsEventToken.charCodeAt(TOKEN_LAST_DIGIT) &&
    has(text, cursor.at, tsEventToken)
  )
    cursor.at += tsEventToken.length;
  else if (!expect(text, TS) || !readIso(text) || !expect(text, EVENT.slice(1))) return undefined;
  const event = eventAt(text, cursor.at);
  if (event === undefined) return undefined;
  const token = EVENT_TOKENS[event];
  if (!has(text, cursor.at, token)) return undefined;
  cursor.at += token.length - 1;
  return event;
}

fixedTexts.push(HEAD, TS, EVENT, AGENT, ...Object.values(EVENT_TOKENS));
for (const fields of Object.values(EVENT_FIELDS)) for (const { token } of fields) fixedTexts.push(token);
/** Every line is suspect if the layout's own text holds an anchor (a new key or enum value that does). */
const FIXED_TEXT_SUSPECT = fixedTexts.some(mayHoldSecret);

/** Steps over `token` at the cursor. */
function expect(text: string, token: string): boolean {
  if (!has(text, cursor.at, token)) return false;
  cursor.at += token.length;
  return true;
}

/**
 * The line as an {@link AuditLine}, when `text` is a SPEC §8 line in the writers' layout that
 * `parseAuditLine(JSON.parse(text))` accepts (then it is that line); else undefined: take the slow path.
 */
export function scanAuditLine(text: string): AuditLine | undefined {
  cursor.at = 0;
  suspect = FIXED_TEXT_SUSPECT;
  if (!expect(text, HEAD) || !readPositive(text)) return undefined;
  const seq = cursor.value as number;
  const event = readTimeAndEvent(text);
  if (event === undefined) return undefined;
  const ts = lastIso;
  if (!readString(text) || cursor.value === "") return undefined;
  const requestId = cursor.value as string;
  if (mayHoldSecret(requestId)) suspect = true;
  if (!readAgent(text)) return undefined;
  const agent = cursor.value as string;
  const fields = EVENT_FIELDS[event];
  for (let i = 0; i < fields.length; i++) {
    const { token, read } = fields[i] as Field;
    if (!expect(text, token) || !read(text)) return undefined;
    values[i] = cursor.value;
  }
  cursor.value = undefined;
  if (cursor.at !== text.length - 1 || text.charCodeAt(cursor.at) !== CLOSE_BRACE) return undefined;
  return BUILD[event](seq, ts, requestId, agent, values) as AuditLine;
}
