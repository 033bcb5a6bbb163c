/** One distribution of the plot. */
export interface PlotSeries {
  readonly name: string;
  /** Latencies in milliseconds, any order. */
  readonly samples: readonly number[];
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 190, top: 40, bottom: 52 };
/** Colour-blind-safe (Okabe–Ito), in series order. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];
/** Points per curve at most: enough for a smooth step curve, small enough for a readable file. */
const MAX_POINTS = 400;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function round(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** Tick values for a log10 axis between `min` and `max`: 1, 2, 5 × 10^k. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

function tickLabel(ms: number): string {
  return ms >= 1 ? `${Number(ms.toPrecision(3))} ms` : `${Number((ms * 1000).toPrecision(3))} µs`;
}

/**
 * Renders latency distributions as an empirical CDF, one step curve per series on a log-latency axis: the
 * median is where a curve crosses 0.5 and the tail shows as the curve's last stretch, which a box plot hides.
 * Self-contained SVG 1.1, no scripts, no fonts beyond a generic family. Series without samples are listed
 * in the legend as "(no samples)" so a missing engine is visible rather than silently absent.
 */
export function renderLatencySvg(series: readonly PlotSeries[], title: string): string {
  const all = series.flatMap((s) => s.samples.filter((v) => Number.isFinite(v) && v > 0));
  const lo = all.length === 0 ? 0.1 : Math.min(...all);
  const hi = all.length === 0 ? 10 : Math.max(...all);
  // Widen a degenerate range (one distinct value) so it still gets an axis.
  const logMin = Math.log10(hi === lo ? lo / 2 : lo) - 0.05;
  const logMax = Math.log10(hi === lo ? hi * 2 : hi) + 0.05;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (ms: number): number => MARGIN.left + ((Math.log10(ms) - logMin) / (logMax - logMin)) * plotW;
  const y = (q: number): number => MARGIN.top + (1 - q) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  // Axes and grid.
  parts.push(`<g class="grid" stroke="#dddddd" stroke-width="1">`);
  for (const q of [0, 0.25, 0.5, 0.75, 0.95, 1]) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${round(y(q))}" x2="${MARGIN.left + plotW}" y2="${round(y(q))}"/>`,
    );
  }
  const ticks = logTicks(10 ** logMin, 10 ** logMax);
  for (const t of ticks)
    parts.push(
      `<line x1="${round(x(t))}" y1="${MARGIN.top}" x2="${round(x(t))}" y2="${MARGIN.top + plotH}"/>`,
    );
  parts.push(`</g>`);
  parts.push(`<g class="axes" fill="#333333">`);
  for (const q of [0, 0.25, 0.5, 0.75, 0.95, 1])
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${round(y(q) + 4)}" text-anchor="end">${q === 0.95 ? "p95" : q.toFixed(2)}</text>`,
    );
  for (const t of ticks)
    parts.push(
      `<text x="${round(x(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`,
    );
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">latency (log scale)</text>`,
  );
  parts.push(
    `<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">fraction of requests ≤ latency</text>`,
  );
  parts.push(`</g>`);
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`,
  );

  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    const sorted = s.samples.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
    const legendY = MARGIN.top + 10 + i * 20;
    const label = sorted.length === 0 ? `${s.name} (no samples)` : s.name;
    parts.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if (sorted.length > 0) {
      const step = Math.max(1, Math.floor(sorted.length / MAX_POINTS));
      let d = `M${round(x(sorted[0] as number))},${round(y(0))}`;
      for (let k = 0; k < sorted.length; k += step) {
        const v = sorted[k] as number;
        d += ` L${round(x(v))},${round(y(k / sorted.length))} L${round(x(v))},${round(y((k + 1) / sorted.length))}`;
      }
      d += ` L${round(x(sorted[sorted.length - 1] as number))},${round(y(1))}`;
      parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    }
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 14}" y1="${legendY}" x2="${WIDTH - MARGIN.right + 34}" y2="${legendY}" stroke="${colour}" stroke-width="3"/>`,
    );
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${legendY + 4}">${escapeXml(label)}</text>`);
    parts.push(`</g>`);
  });
  parts.push(`</svg>`);
  return `${parts.join("\n")}\n`;
}
