/** What a time field may hold, in words, for problem messages. */
export const INCIDENT_TIME_EXPECTED =
  "an ISO-8601 time (e.g. 2025-01-01T12:00:00.000Z; no offset means UTC) or epoch milliseconds or seconds";

// Date, then time to the minute, optional seconds and fraction, optional offset. `T` or a space between.
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const DIGITS = /^\d+(?:\.\d+)?$/;
/**
 * Numbers below this are epoch seconds, above it epoch milliseconds: 1e11 s is the year 5138 and 1e11 ms
 * is March 1973, so no real log is ambiguous.
 */
const SECONDS_BELOW = 1e11;
/** 9999-12-31T23:59:59.999Z: later times do not print as a four-digit-year ISO string. */
const LATEST_MS = 253_402_300_799_999;

function offsetMinutes(text: string): number {
  if (text === "Z" || text === "z") return 0;
  const sign = text.startsWith("-") ? -1 : 1;
  const digits = text.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

function fromIso(text: string): number | undefined {
  const match = ISO_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = "0", fraction = "", offset = "Z"] = match;
  const fields = [year, month, day, hour, minute].map(Number);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0] = fields;
  const s = Number(second);
  // Fractions finer than a millisecond are truncated: SPEC §8 times carry milliseconds.
  const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 2025-02-30 over into March; a field-by-field round trip rejects impossible dates.
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  )
    return undefined;
  return local - offsetMinutes(offset) * 60_000;
}

function fromEpoch(value: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value < SECONDS_BELOW ? value * 1000 : value);
}

/**
 * Epoch ms of a time as incident logs write it: an ISO-8601 string with or without fraction or offset
 * (no offset is read as UTC, so the result never depends on the machine's time zone), or an epoch number
 * (or a string of digits) in seconds or milliseconds. Undefined for anything else.
 */
export function parseIncidentTime(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === "number") ms = fromEpoch(value);
  else if (typeof value === "string") ms = DIGITS.test(value) ? fromEpoch(Number(value)) : fromIso(value);
  return ms !== undefined && ms >= 0 && ms <= LATEST_MS ? ms : undefined;
}

/** SPEC §8's time format: ISO-8601 UTC with milliseconds. */
export function toAuditTime(ms: number): string {
  return new Date(ms).toISOString();
}
