/**
 * Durations in scenario files are written the way people say them: `250ms`, `30s`, `5m`, `1h`, or a run of
 * them (`1m30s`). A bare number is milliseconds.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** The milliseconds a duration text stands for, or undefined when it is not one (negative, no unit, junk). */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) {
    const unit = UNIT_MS[match[2] ?? ""];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return total;
}

/**
 * Parses `250ms`, `30s`, `5m`, `1h`, `1m30s` or a number of milliseconds into milliseconds.
 * Throws on anything else, naming the text and the accepted forms.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") {
    if (Number.isFinite(text) && text >= 0) return text;
    throw new RangeError(
      `Failed to parse duration: ${String(text)} is not a non-negative finite number of milliseconds. Use e.g. 250 or "250ms".`,
    );
  }
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new RangeError(
      `Failed to parse duration: "${text}" is not a duration. Write it as a number with a unit (250ms, 30s, 5m, 1h, 1m30s).`,
    );
  }
  return ms;
}

/** The inverse of {@link parseDuration} for whole milliseconds: `0`, `250ms`, `30s`, `1m30s`, `2h0m1s5ms`. */
export function durationText(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`Failed to format a duration: ${ms} is not a whole number of milliseconds ≥ 0.`);
  if (ms === 0) return "0ms";
  let text = "";
  let rest = ms;
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ] as const) {
    const whole = Math.floor(rest / size);
    rest -= whole * size;
    if (whole > 0) text += `${whole}${unit}`;
  }
  return text;
}
