/**
 * Time on the timeline's x axis. A scenario on the virtual clock can span a day while its bursts last
 * milliseconds, so long idle stretches are cut out of the axis (drawn as a narrow break labelled with the
 * time skipped) and each busy stretch is scaled on its own, with round ticks from a ladder of durations.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];
/** An idle stretch is cut when it is longer than this share of the whole span… */
const CUT_SHARE = 0.1;
/** …and longer than this, so short runs keep a plain linear axis. */
const CUT_MIN_MS = 2 * SECOND;
/** Width of a cut, and the least width of a busy stretch, in pixels. */
const CUT_W = 26;
const MIN_STRETCH_W = 44;
/** Pixels kept free at the ends of a busy stretch so its first and last marks do not touch a cut. */
const INSET = 5;
/** Pixels wanted between ticks. */
const TICK_SPACING = 95;

/** The smallest round step giving at most `maxTicks` steps over `spanMs`. */
export function niceStep(spanMs: number, maxTicks: number): number {
  const span = Math.max(1, spanMs);
  return STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? Math.ceil(span / maxTicks / DAY) * DAY;
}

function part(value: number, unit: string): string {
  return `${Number.isInteger(value) ? value : Number(value.toFixed(3))} ${unit}`;
}

/** A duration for people: `0`, `250 ms`, `1.5 s`, `1 min 0.5 s`, `2 h 30 min`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  if (ms < SECOND) return part(ms, "ms");
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of [
    [DAY, "d"],
    [HOUR, "h"],
    [MINUTE, "min"],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 && parts.length < 2) parts.push(part(rest / SECOND, "s"));
  return parts.join(" ");
}

/** A busy stretch of time drawn linearly between two x positions. */
export interface Stretch {
  readonly from: number;
  readonly to: number;
  readonly x0: number;
  readonly x1: number;
}

/** A tick: its time, its x, and how its label is anchored. */
export interface Tick {
  readonly ms: number;
  readonly x: number;
  readonly anchor: "start" | "middle";
  /** Absolute on the first stretch and at each stretch's start; `+2 s` from the start inside later ones. */
  readonly label: string;
}

/** The x axis: where a time is drawn, the stretches, the cuts between them, and the ticks. */
export interface TimeScale {
  readonly x: (ms: number) => number;
  readonly stretches: readonly Stretch[];
  /** Idle time cut out of the axis: [from, to] in ms, drawn between x0 and x1. */
  readonly cuts: readonly Stretch[];
  readonly ticks: readonly Tick[];
  /** The right edge of the plot. */
  readonly end: number;
}

function merged(busy: readonly (readonly [number, number])[], gap: number): [number, number][] {
  const sorted = [...busy, [0, 0] as const]
    .map(([a, b]) => [a, Math.max(a, b)] as [number, number])
    .sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a - last[1] <= gap) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The scale for busy intervals (ms since start) drawn between `left` and `left + width`: idle gaps longer
 * than a tenth of the span (and 2 s) become cuts; the rest share the width by duration.
 */
export function timeScale(
  busy: readonly (readonly [number, number])[],
  left: number,
  width: number,
): TimeScale {
  const span = Math.max(1, ...busy.map(([, b]) => b));
  const groups = merged(busy, Math.max(CUT_MIN_MS, span * CUT_SHARE));
  const last = groups.at(-1);
  // The axis runs a little past the last event so the states it leaves (a breaker closing) show: a single
  // stretch to a round end, so it closes on a tick; the last of several by a tenth of its length.
  if (groups.length === 1 && last) last[1] = Math.ceil(span / niceStep(span, 8)) * niceStep(span, 8);
  else if (last) last[1] += Math.max(1, Math.ceil((last[1] - last[0]) / 10));
  const room = width - (groups.length - 1) * CUT_W;
  const minW = Math.min(MIN_STRETCH_W, room / groups.length);
  const total = groups.reduce((n, [a, b]) => n + (b - a), 0);
  const stretches: Stretch[] = [];
  let x = left;
  for (const [from, to] of groups) {
    const w = minW + (room - groups.length * minW) * (total === 0 ? 1 / groups.length : (to - from) / total);
    stretches.push({ from, to, x0: x, x1: x + w });
    x += w + CUT_W;
  }
  const cuts = stretches.slice(1).map((s, i) => {
    const before = stretches[i] as Stretch;
    return { from: before.to, to: s.from, x0: before.x1, x1: s.x0 };
  });
  const lastIndex = stretches.length - 1;
  const inner = (s: Stretch, i: number): [number, number] => [
    s.x0 + (i === 0 ? 0 : INSET),
    s.x1 - (i === lastIndex ? 0 : INSET),
  ];
  const xOf = (ms: number): number => {
    for (const [i, s] of stretches.entries()) {
      if (ms > s.to) continue;
      const [a, b] = inner(s, i);
      if (ms >= s.from) return s.to === s.from ? a : a + ((ms - s.from) / (s.to - s.from)) * (b - a);
      const cut = cuts[i - 1];
      return cut ? cut.x0 + ((ms - cut.from) / Math.max(1, cut.to - cut.from)) * (cut.x1 - cut.x0) : a;
    }
    return left + width;
  };
  const ticks: Tick[] = [];
  stretches.forEach((s, i) => {
    // After a cut the stretch's first tick is left-aligned, so its (absolute, often long) label reads
    // away from the cut; the other ticks are centred and kept clear of the cut on their right.
    const first: Tick = {
      ms: s.from,
      x: xOf(s.from),
      anchor: i === 0 ? "middle" : "start",
      label: formatDuration(s.from),
    };
    const local: Tick[] = [first];
    const step = niceStep(s.to - s.from, Math.floor((s.x1 - s.x0) / (TICK_SPACING * 0.6)));
    for (let ms = (Math.floor(s.from / step) + 1) * step; ms <= s.to; ms += step) {
      const tx = xOf(ms);
      const prev = local.at(-1) ?? first;
      const room = prev.anchor === "start" ? TICK_SPACING * 1.1 : TICK_SPACING * 0.6;
      if (tx - prev.x >= room && (i === lastIndex || tx <= s.x1 - 30))
        local.push({
          ms,
          x: tx,
          anchor: "middle",
          label: i === 0 ? formatDuration(ms) : `+${formatDuration(ms - s.from)}`,
        });
    }
    ticks.push(...local);
  });
  return { x: xOf, stretches, cuts, ticks, end: left + width };
}
