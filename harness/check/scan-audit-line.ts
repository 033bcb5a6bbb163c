import type { AuditEventName, AuditLine } from "../oracle/audit-schema.ts";
import { BUILD, eventAt, EVENT_FIELDS, EVENT_TOKENS, type Field } from "./scan-fields.ts";
import {
  CLOSE_BRACE,
  DIGIT_0,
  expect,
  fixedTexts,
  has,
  QUOTE,
  readIso,
  readPositive,
  readString,
  scan,
} from "./scan-readers.ts";
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
 * that on random valid and corrupted lines. The values are read by scan-readers.ts, event by event as the
 * field table (scan-fields.ts) lists them.
 *
 * It also tells whether the line may hold a credential (scanMayHoldSecret), so most lines skip the secret
 * regexes: the secret prefilter's anchors are made of letters, digits and `-`, so one cannot run across a
 * quote, a comma or a colon; the fixed text of the layout (keys, enum values, literals) is tested once at
 * load, numbers and times hold no letter of an anchor, which leaves the free strings (request id, agent,
 * model ids), each tested when first met.
 */

const HEAD = '{"v":1,"seq":';
const TS = ',"ts":';
const EVENT = '","event":"';
const AGENT = ',"agent":';
/** `,"ts":"` and the length of a time up to its milliseconds (`YYYY-MM-DDTHH:MM:SS.`). */
const TS_OPEN = `${TS}"`;
const SECOND_LENGTH = 20;
/** Per event, what follows a time's milliseconds up to the request id's opening quote. */
const ZONE_EVENT_TOKENS = Object.fromEntries(
  Object.entries(EVENT_TOKENS).map(([event, token]) => [event, `Z${EVENT}${token}`]),
) as Readonly<Record<AuditEventName, string>>;
/** Where the event's name begins after a time's milliseconds. */
const EVENT_AFTER_MILLIS = `Z${EVENT}`.length;

/**
 * The line's own time, kept apart from `scan.iso` (the last time read anywhere, a `cooldown_until` too): its
 * text and milliseconds, and `,"ts":"` with the second it falls in (a date already checked) with that
 * second's start in milliseconds. Lines of a log come a few milliseconds apart, so most share the second
 * and are read by one comparison and three digits, and a repeated time hands out the same string.
 */
let tokenIso = scan.iso;
let tokenIsoMs = scan.isoMs;
let tokenMillis = 0;
let secondToken = `${TS_OPEN}${tokenIso.slice(0, SECOND_LENGTH)}`;
let secondStartMs = tokenIsoMs;

/** The last agent read, and `,"agent":"<it>"`: a log names a few, so it is usually matched in one comparison. */
let lastAgent = "";
let agentToken = `${AGENT}""`;
let lastAgentSuspect = false;

function readAgent(text: string): boolean {
  if (has(text, scan.at, agentToken)) {
    scan.value = lastAgent;
    scan.at += agentToken.length;
    if (lastAgentSuspect) scan.suspect = true;
    return true;
  }
  if (!expect(text, AGENT) || !readString(text)) return false;
  lastAgent = scan.value as string;
  agentToken = `${AGENT}"${lastAgent}"`;
  lastAgentSuspect = mayHoldSecret(lastAgent);
  if (lastAgentSuspect) scan.suspect = true;
  return true;
}

/** The last request id read and whether it may hold a credential: a request's lines mostly come together. */
let lastRequestId = "";
let lastRequestIdSuspect = false;

/**
 * The request id: the last one is matched in place and handed out again when the line names it (no new
 * string, and the checker's lookups by it reuse its hash), and the secret prefilter runs once per request,
 * not once per line. Its last character is compared first: consecutive ids mostly differ there.
 */
function readRequestId(text: string): boolean {
  const at = scan.at + 1;
  const length = lastRequestId.length;
  if (
    length > 0 &&
    text.charCodeAt(at + length) === QUOTE &&
    text.charCodeAt(at + length - 1) === lastRequestId.charCodeAt(length - 1) &&
    text.charCodeAt(scan.at) === QUOTE &&
    has(text, at, lastRequestId)
  ) {
    scan.value = lastRequestId;
    scan.at = at + length + 1;
  } else {
    if (!readString(text) || scan.value === "") return false;
    lastRequestId = scan.value as string;
    lastRequestIdSuspect = mayHoldSecret(lastRequestId);
  }
  if (lastRequestIdSuspect) scan.suspect = true;
  return true;
}

/** The value of the three digits at `at`, or -1 (a missing character reads as NaN, which fails the test). */
function millisAt(text: string, at: number): number {
  const hundreds = text.charCodeAt(at) - DIGIT_0;
  const tens = text.charCodeAt(at + 1) - DIGIT_0;
  const units = text.charCodeAt(at + 2) - DIGIT_0;
  if (!(hundreds >= 0 && hundreds <= 9 && tens >= 0 && tens <= 9 && units >= 0 && units <= 9)) return -1;
  return hundreds * 100 + tens * 10 + units;
}

/** The event named after the time's milliseconds at `at` (its `Z`), checked up to the request id; the cursor ends on the id's opening quote. */
function readZoneAndEvent(text: string, at: number): AuditEventName | undefined {
  const event = eventAt(text, at + EVENT_AFTER_MILLIS);
  if (event === undefined) return undefined;
  const token = ZONE_EVENT_TOKENS[event];
  if (!has(text, at, token)) return undefined;
  scan.at = at + token.length - 1;
  return event;
}

/** The time and the event; the cursor ends on the request id's opening quote. */
function readTimeAndEvent(text: string): AuditEventName | undefined {
  const at = scan.at;
  if (has(text, at, secondToken)) {
    const millisStart = at + secondToken.length;
    const millis = millisAt(text, millisStart);
    if (millis < 0) return undefined;
    const event = readZoneAndEvent(text, millisStart + 3);
    if (event === undefined) return undefined;
    if (millis !== tokenMillis) {
      tokenIso = text.slice(at + TS_OPEN.length, millisStart + 4);
      tokenIsoMs = secondStartMs + millis;
      tokenMillis = millis;
    }
    return event;
  }
  // Another second: the whole time is read and checked, and becomes the one later lines are matched against.
  if (!expect(text, TS) || !readIso(text)) return undefined;
  const event = readZoneAndEvent(text, scan.at - 2);
  if (event === undefined) return undefined;
  tokenIso = scan.iso;
  tokenIsoMs = scan.isoMs;
  tokenMillis = millisAt(tokenIso, SECOND_LENGTH);
  secondStartMs = tokenIsoMs - tokenMillis;
  secondToken = `${TS_OPEN}${tokenIso.slice(0, SECOND_LENGTH)}`;
  return event;
}

fixedTexts.push(HEAD, TS, EVENT, AGENT, ...Object.values(ZONE_EVENT_TOKENS));
/** Every line is suspect if the layout's own text holds an anchor (a new key or enum value that does). */
const FIXED_TEXT_SUSPECT = fixedTexts.some(mayHoldSecret);

/** Whether the last line scanned may hold a credential (the checker then runs the secret patterns on it). */
export function scanMayHoldSecret(): boolean {
  return scan.suspect;
}

/** The `ts` of the last line the scanner accepted, in milliseconds since the epoch (its `ts` string parsed). */
export function scannedTsMs(): number {
  return tokenIsoMs;
}

/**
 * Per event, the text of the last scanned line's own fields (after the agent, to the end of the line) and
 * their values. Lines of one event often end alike (the same model, attempt and outcome), and then one
 * comparison stands for the whole field-by-field scan: the same text reads as the same values.
 */
interface Tail {
  text: string;
  readonly values: unknown[];
  /** Whether the tail's model ids may hold a credential. */
  suspect: boolean;
}

const tails = Object.fromEntries(
  Object.keys(EVENT_FIELDS).map((event): [string, Tail] => [event, { text: "", values: [], suspect: false }]),
) as Readonly<Record<AuditEventName, Tail>>;

/** The fields of `event` from the cursor to the end of the line into `tail`, or false. */
function readTail(text: string, event: AuditEventName, tail: Tail): boolean {
  const start = scan.at;
  const fields = EVENT_FIELDS[event];
  const values = tail.values;
  // The tail's own suspicion is kept apart from the line's head, to be reused with the tail.
  const headSuspect = scan.suspect;
  scan.suspect = false;
  tail.text = "";
  for (let i = 0; i < fields.length; i++) {
    const { token, read } = fields[i] as Field;
    if (!expect(text, token) || !read(text)) return false;
    values[i] = scan.value;
  }
  scan.value = undefined;
  if (scan.at !== text.length - 1 || text.charCodeAt(scan.at) !== CLOSE_BRACE) return false;
  tail.suspect = scan.suspect;
  scan.suspect ||= headSuspect;
  tail.text = text.slice(start);
  return true;
}

/**
 * The line as an {@link AuditLine}, when `text` is a SPEC §8 line in the writers' layout that
 * `parseAuditLine(JSON.parse(text))` accepts (then it is that line); else undefined: take the slow path.
 */
export function scanAuditLine(text: string): AuditLine | undefined {
  scan.at = 0;
  scan.suspect = FIXED_TEXT_SUSPECT;
  if (!expect(text, HEAD) || !readPositive(text)) return undefined;
  const seq = scan.value as number;
  const event = readTimeAndEvent(text);
  if (event === undefined) return undefined;
  const ts = tokenIso;
  if (!readRequestId(text)) return undefined;
  const requestId = scan.value as string;
  if (!readAgent(text)) return undefined;
  const agent = scan.value as string;
  const tail = tails[event];
  // An empty text is no tail (a failed read leaves it so): every event's own fields end with `}`.
  if (tail.text !== "" && text.length - scan.at === tail.text.length && has(text, scan.at, tail.text)) {
    if (tail.suspect) scan.suspect = true;
    // Lines must not share an array: a request line gets its own copy of the chain.
    if (event === "fallback_request") tail.values[0] = [...(tail.values[0] as string[])];
  } else if (!readTail(text, event, tail)) return undefined;
  return BUILD[event](seq, ts, requestId, agent, tail.values) as AuditLine;
}
