/**
 * The timeline's time axis. A scenario on the virtual clock can span a day while a burst lasts milliseconds,
 * so the step is picked from a ladder of round durations to give at most `maxTicks` ticks over the span.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR,
];

/** An axis: its end (a whole number of steps, at least the span) and its tick positions, ms. */
export interface TimeAxis {
  readonly endMs: number;
  readonly ticks: readonly number[];
}

/** The axis for a span of `spanMs` (0 gives a 1 ms axis, so nothing divides by zero). */
export function timeAxis(spanMs: number, maxTicks = 8): TimeAxis {
  const span = Math.max(1, spanMs);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / (24 * HOUR)) * 24 * HOUR;
  const endMs = Math.ceil(span / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= endMs; t += step) ticks.push(t);
  return { endMs, ticks };
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");
}

/** A duration for people: `0`, `250 ms`, `1.5 s`, `2 min`, `1 h 30 min`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  if (ms < SECOND) return `${trim(ms)} ms`;
  if (ms < MINUTE) return `${trim(ms / SECOND)} s`;
  if (ms < HOUR) return `${trim(ms / MINUTE)} min`;
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.round((ms - hours * HOUR) / MINUTE);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}
