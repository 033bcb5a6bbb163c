import { isModelIdShape } from "../oracle/model-id-shape.ts";
import { isoMillis } from "./iso-millis.ts";
import { mayHoldSecret } from "./secret-prefilter.ts";

/*
 * The scanner's cursor and its value readers (see scan-audit-line.ts for the contract): each reader tests
 * the value at the cursor in the writers' layout, leaves it in `scan.value` and moves the cursor past it,
 * or says no (the line then takes the slow path). One mutable state object, shared by the scanner's modules,
 * since the scan runs once per line of a million-line log and must allocate nothing it does not hand out.
 */

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
export const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** JSON forbids raw control characters in strings; a line holding one goes to the slow path. */
const FIRST_PRINTABLE = 0x20;
/**
 * Up to 16 digits: read digit by digit, the value is exact while it stays a safe integer (2^53 − 1 has 16
 * digits), and a larger one rounds to at least 2^53, which is refused (the schema wants safe integers).
 */
const MAX_DIGITS = 16;
const ISO_LENGTH = 24;
/** Where the last digit of a time's milliseconds is. */
export const ISO_LAST_DIGIT = 22;

/** The scan's state: where it stands, the last value read, and what it learnt of the line so far. */
export const scan = {
  at: 0,
  value: undefined as unknown,
  /** Whether the line being scanned has a free string that may hold a credential. */
  suspect: false,
  /** The last time read (a valid one to begin with): lines of a request often share it. */
  iso: "1970-01-01T00:00:00.000Z",
  /** `iso` in milliseconds since the epoch, so a line's time is known without parsing it again. */
  isoMs: 0,
};

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
export function has(text: string, at: number, token: string): boolean {
  return text.indexOf(token, at) === at;
}

/** `value` followed by its closing quote at `at`; the two cheap characters are tested first, for lists of candidates. */
export function isAt(text: string, at: number, value: string): boolean {
  return (
    text.charCodeAt(at + value.length) === QUOTE &&
    text.charCodeAt(at) === value.charCodeAt(0) &&
    has(text, at, value)
  );
}

/** Steps over `token` at the cursor. */
export function expect(text: string, token: string): boolean {
  if (!has(text, scan.at, token)) return false;
  scan.at += token.length;
  return true;
}

/** Reads one value at the cursor into `scan.value`. */
export type Reader = (text: string) => boolean;

/** A plain string (no escape): the caller tests it. */
export function readString(text: string): boolean {
  const at = scan.at;
  if (text.charCodeAt(at) !== QUOTE) return false;
  const end = stringEnd(text, at + 1);
  if (end < 0) return false;
  scan.value = text.slice(at + 1, end);
  scan.at = end + 1;
  return true;
}

/** A non-negative integer in JSON's form (no sign, no leading zero, no fraction or exponent). */
export function readCount(text: string): boolean {
  const first = scan.at;
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
  scan.value = value;
  scan.at = i;
  return true;
}

export function readPositive(text: string): boolean {
  return readCount(text) && (scan.value as number) > 0;
}

function readNull(text: string): boolean {
  if (!has(text, scan.at, "null")) return false;
  scan.at += 4;
  scan.value = null;
  return true;
}

export function nullable(read: Reader): Reader {
  return (text) => (text.charCodeAt(scan.at) === 0x6e ? readNull(text) : read(text));
}

export function readStatus(text: string): boolean {
  if (!readCount(text)) return false;
  const status = scan.value as number;
  return status >= 100 && status <= 599;
}

export function readBoolean(text: string): boolean {
  // The first letter picks the one literal to compare: a missed `has` searches the rest of the line.
  const first = text.charCodeAt(scan.at);
  if (first === 0x74 && has(text, scan.at, "true")) {
    scan.at += 4;
    scan.value = true;
    return true;
  }
  if (first === 0x66 && has(text, scan.at, "false")) {
    scan.at += 5;
    scan.value = false;
    return true;
  }
  return false;
}

/** The layout's fixed text (keys, enum values, literals), tested for secret anchors once at load. */
export const fixedTexts: string[] = ["true", "false", "null"];

/** One of the schema's enum values: the constant itself is handed out, so later lookups hash nothing. */
export function oneOf(options: readonly string[]): Reader {
  fixedTexts.push(...options);
  return (text) => {
    const at = scan.at + 1;
    if (text.charCodeAt(scan.at) !== QUOTE) return false;
    for (const option of options)
      if (isAt(text, at, option)) {
        scan.value = option;
        scan.at = at + option.length + 1;
        return true;
      }
    return false;
  };
}

/**
 * A time in `toISOString`'s form. The last one is remembered with its milliseconds: most new times differ
 * from it in the milliseconds' last digit, tested before a whole compare, and a repeated one costs nothing.
 */
export function readIso(text: string): boolean {
  const at = scan.at + 1;
  if (text.charCodeAt(scan.at) !== QUOTE || text.charCodeAt(at + ISO_LENGTH) !== QUOTE) return false;
  if (
    text.charCodeAt(at + ISO_LAST_DIGIT) !== scan.iso.charCodeAt(ISO_LAST_DIGIT) ||
    !has(text, at, scan.iso)
  ) {
    const value = text.slice(at, at + ISO_LENGTH);
    const ms = isoMillis(value);
    if (ms === undefined) return false;
    scan.iso = value;
    scan.isoMs = ms;
  }
  scan.value = scan.iso;
  scan.at = at + ISO_LENGTH + 1;
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

export function readModel(text: string): boolean {
  const at = scan.at + 1;
  if (text.charCodeAt(scan.at) !== QUOTE) return false;
  for (let i = 0; i < knownModels.length; i++) {
    const model = knownModels[i] as string;
    if (isAt(text, at, model)) {
      scan.value = model;
      scan.at = at + model.length + 1;
      if (knownModelSuspect[i] === true) scan.suspect = true;
      return true;
    }
  }
  if (!readString(text) || !isModelIdShape(scan.value)) return false;
  const model = scan.value as string;
  const modelSuspect = mayHoldSecret(model);
  if (modelSuspect) scan.suspect = true;
  if (knownModels.length < MAX_KNOWN_MODELS) {
    knownModels.push(model);
    knownModelSuspect.push(modelSuspect);
  }
  return true;
}

/** A non-empty array of model ids. */
export function readChain(text: string): boolean {
  if (text.charCodeAt(scan.at) !== 0x5b) return false;
  scan.at += 1;
  const chain: string[] = [];
  for (;;) {
    if (!readModel(text)) return false;
    chain.push(scan.value as string);
    const code = text.charCodeAt(scan.at);
    scan.at += 1;
    if (code === CLOSE_BRACKET) break;
    if (code !== COMMA) return false;
  }
  scan.value = chain;
  return true;
}
