const DIGIT_0 = 0x30;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of the digits at `at`, `at + 1`, …; -1 when one of them is not an ASCII digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), integers only. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

let lastText = "";
let lastMs = 0;
/** The last new time's milliseconds since its second began: lines a few ms apart share all but `mmm`. */
let lastMillis = 0;
const MILLIS_AT = 20;

/** `lastText` up to its milliseconds (`YYYY-MM-DDTHH:MM:SS.`), checked already. */
let lastSecond = "";

/** True when `value` begins with `lastSecond`; indexOf compares in native code, far faster than a loop here. */
function sameSecond(value: string): boolean {
  return lastSecond !== "" && value.indexOf(lastSecond) === 0;
}

/**
 * Exactly `parseIsoMillis` (the oracle's reading of a SPEC §8 `ts`: `YYYY-MM-DDTHH:MM:SS.mmmZ`, a real
 * date, the form `toISOString` writes) with character tests and integer arithmetic in place of its regex,
 * `Date.parse` and round trip, which took a third of `check`'s time. Lines of one log share few distinct
 * times, so the last one is remembered, and a time in the same second as it costs only its milliseconds.
 */
export function isoMillis(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length !== 24) return undefined;
  if (value === lastText) return lastMs;
  if (value.charCodeAt(23) === 0x5a && sameSecond(value)) {
    const millis = digits(value, MILLIS_AT, 3);
    if (millis < 0) return undefined;
    lastMs += millis - lastMillis;
    lastMillis = millis;
    lastText = value;
    return lastMs;
  }
  if (
    value.charCodeAt(4) !== 0x2d || // -
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 || // T
    value.charCodeAt(13) !== 0x3a || // :
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(19) !== 0x2e || // .
    value.charCodeAt(23) !== 0x5a // Z
  )
    return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const millis = digits(value, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return undefined;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > monthDays) return undefined;
  const ms =
    (daysFromCivil(year, month, day) * 24 + hour) * 3_600_000 + minute * 60_000 + second * 1000 + millis;
  lastText = value;
  lastSecond = value.slice(0, MILLIS_AT);
  lastMs = ms;
  lastMillis = millis;
  return ms;
}
