import type { BenchReport, FailoverProfileRow } from "./bench-report.ts";
import { COST_CATEGORIES, type CostBreakdown, type CostCategory } from "./cpu-profile.ts";

/** A column is shown when some row spends at least this much in it, µs per request. */
const SHOWN_FROM_US = 0.5;

function total(costs: CostBreakdown): number {
  let sum = 0;
  for (const category of COST_CATEGORIES) sum += costs[category];
  return sum;
}

function columns(rows: readonly CostBreakdown[]): CostCategory[] {
  return COST_CATEGORIES.filter((c) => rows.some((r) => Math.abs(r[c]) >= SHOWN_FROM_US));
}

function signed(us: number): string {
  return `${us >= 0 ? "+" : "−"}${Math.abs(us).toFixed(1)}`;
}

function difference(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  return Object.fromEntries(COST_CATEGORIES.map((c) => [c, a[c] - b[c]])) as Record<CostCategory, number>;
}

/**
 * The profiled half of the failover section: what each engine's CPU is spent on, by who owns the code, and
 * the reference's excess over the limit by owner in every case. Sampled self time, so it does not carry the
 * drift that differences of medians do; it counts CPU only (waiting on a socket is idle, left out).
 */
export function renderProfiles(report: BenchReport): string[] {
  const profiles = report.failoverProfiles ?? [];
  if (profiles.length === 0) return [];
  const find = (transport: string, failoverCase: string, subject: string): FailoverProfileRow | undefined =>
    profiles.find((p) => p.transport === transport && p.case === failoverCase && p.subject === subject);
  const out = [
    "### Where the CPU goes (sampled profiles)",
    "",
    "After its rounds, each engine's failover loop runs under V8's sampling profiler in its own process, and in the " +
      "reference's process so does the limit's pair. Each owner's share of the sampled time (self time by who owns the code; " +
      "*waiting* is the thread idle, on a socket or a timer) spread over that engine's median from the rounds, in µs, so a row adds up to " +
      "the latency in the table above. *engine walk* is the reference's `src/` outside classification, audit, breakers " +
      "and its caller port; *mocked provider* is the fleet and msw. Node's and V8's own frames are charged to the owned code that called them (a timer the engine arms, a `JSON.parse` the SDK makes); *Node internals* is what no owned code called (the event loop, stream plumbing). The limit's row is the least work; what an engine spends " +
      "above it in a column is its own." +
      (report.profileFolder === undefined
        ? ""
        : ` The reference's profiles are in \`${report.profileFolder}/\` as \`.cpuprofile\` files: open one in Chrome DevTools (Performance) or speedscope.app for a flame graph.`),
    "",
  ];
  const excess: { label: string; costs: CostBreakdown }[] = [];
  for (const p of profiles.filter((r) => r.subject === "reference")) {
    const limit = find(p.transport, p.case, "limit");
    if (limit !== undefined)
      excess.push({ label: `${p.transport} | ${p.case}`, costs: difference(p.costs, limit.costs) });
  }
  if (excess.length > 0) {
    const shown = columns(excess.map((e) => e.costs));
    out.push(
      "The reference above the limit, by owner (µs of the median request):",
      "",
      `| transport | case | total | ${shown.join(" | ")} |`,
      `|---|---|---|${shown.map(() => "---").join("|")}|`,
    );
    for (const e of excess)
      out.push(
        `| ${e.label} | ${signed(total(e.costs))} | ${shown.map((c) => signed(e.costs[c])).join(" | ")} |`,
      );
    out.push("");
  }
  for (const transport of ["inproc", "loopback"] as const) {
    const rows = profiles.filter((p) => p.transport === transport && p.case === "http-500");
    if (rows.length === 0) continue;
    // Percentages, not µs: the engines ran in different processes, minutes apart.
    const percents = rows.map((r) => {
      const sum = total(r.costs);
      return Object.fromEntries(
        COST_CATEGORIES.map((c) => [c, sum > 0 ? (100 * r.costs[c]) / sum : 0]),
      ) as Record<CostCategory, number>;
    });
    const shown = columns(percents);
    out.push(
      `Every engine, ${transport}, http-500 (% of its time):`,
      "",
      `| engine | requests profiled | p50 µs | ${shown.join(" | ")} |`,
      `|---|---|---|${shown.map(() => "---").join("|")}|`,
    );
    rows.forEach((r, i) =>
      out.push(
        `| ${r.subject} | ${r.requests} | ${total(r.costs).toFixed(0)} | ${shown.map((c) => `${(percents[i] as CostBreakdown)[c].toFixed(1)} %`).join(" | ")} |`,
      ),
    );
    out.push("");
  }
  return out;
}
