import { z } from "zod";

/**
 * The multi-engine scorecard: scenario × engine, read from each engine's report.json. Reports are read
 * loosely on purpose — a report without per-tier verdicts (an older run) still scores, by its verdict.
 */

const ScenarioEntry = z.looseObject({
  id: z.string(),
  title: z.string().optional(),
  verdict: z.enum(["pass", "fail"]),
  reasons: z.array(z.string()),
  tiers: z
    .object({
      safety: z.enum(["pass", "fail", "partial"]),
      conformance: z.enum(["pass", "fail", "partial"]),
    })
    .optional(),
});

/** What the scorecard needs of a report.json. */
export const ScorecardReportSchema = z.looseObject({
  engine: z.string(),
  exit_code: z.number().int(),
  tier: z.enum(["safety", "conformance"]).optional(),
  scenarios: z.array(ScenarioEntry),
});
export type ScorecardReport = z.infer<typeof ScorecardReportSchema>;

/** A cell's status, worst first. */
export type CellStatus = "FAIL (safety)" | "FAIL (conformance)" | "FAIL" | "PARTIAL" | "PASS" | "NOT RUN";

/** One scenario × engine cell. */
export interface Cell {
  readonly status: CellStatus;
  /** The first reason behind a FAIL or PARTIAL, one line. */
  readonly reason: string;
  /** Position of the scenario in that engine's report (the HTML report's `#s<index>` anchor); null if absent. */
  readonly index: number | null;
}

/** Why an engine has no report (it could not be run). */
export interface NoReport {
  readonly error: string;
}

/** Whether a column's report is missing (narrows: a loose report object would not narrow with `in`). */
export function isNoReport(report: ScorecardReport | NoReport): report is NoReport {
  return !("scenarios" in report);
}

/** One engine's column: where its report is, and what the run said. */
export interface EngineColumn {
  /** The engine as given on the command line (`reference`, `./my-engine.ts`). */
  readonly given: string;
  /** Its report folder, relative to the scorecard. */
  readonly dir: string;
  /** The run's exit code (2: the engine could not be run at all). */
  readonly exitCode: number;
  /** The report, or why there is none. */
  readonly report: ScorecardReport | NoReport;
}

/** The table. */
export interface Scorecard {
  readonly engines: readonly EngineColumn[];
  readonly scenarios: readonly { readonly id: string; readonly title: string }[];
  /** `cells[scenario][engine]`. */
  readonly cells: readonly (readonly Cell[])[];
  /** The worst exit code over engines: each already gates by the run's tier. */
  readonly exitCode: number;
}

const firstLine = (text: string): string => (text.split("\n")[0] ?? "").trim();

/** A scenario entry's cell: a safety failure outranks a conformance one; PARTIAL never hides a failure. */
export function cellOf(entry: z.infer<typeof ScenarioEntry>, index: number): Cell {
  const reasonFor = (tier: "safety" | "conformance" | null): string =>
    firstLine(
      (tier ? entry.reasons.find((r) => r.startsWith(`[${tier}]`)) : undefined) ?? entry.reasons[0] ?? "",
    );
  const tiers = entry.tiers;
  if (!tiers)
    return entry.verdict === "pass"
      ? { status: "PASS", reason: "", index }
      : { status: "FAIL", reason: reasonFor(null), index };
  if (tiers.safety === "fail") return { status: "FAIL (safety)", reason: reasonFor("safety"), index };
  if (tiers.conformance === "fail" || entry.verdict === "fail")
    return { status: "FAIL (conformance)", reason: reasonFor("conformance"), index };
  if (tiers.safety === "partial" || tiers.conformance === "partial") {
    const notChecked = (entry as { not_checked?: { reason?: unknown }[] }).not_checked?.[0]?.reason;
    return { status: "PARTIAL", reason: typeof notChecked === "string" ? firstLine(notChecked) : "", index };
  }
  return { status: "PASS", reason: "", index };
}

/** Builds the table from each engine's column, scenarios in the order they first appear. */
export function buildScorecard(engines: readonly EngineColumn[]): Scorecard {
  const scenarios: { id: string; title: string }[] = [];
  const seen = new Set<string>();
  for (const e of engines)
    if (!isNoReport(e.report))
      for (const s of e.report.scenarios)
        if (!seen.has(s.id)) {
          seen.add(s.id);
          scenarios.push({ id: s.id, title: s.title ?? "" });
        }
  const cells = scenarios.map(({ id }) =>
    engines.map((e): Cell => {
      if (isNoReport(e.report)) return { status: "NOT RUN", reason: e.report.error, index: null };
      const index = e.report.scenarios.findIndex((s) => s.id === id);
      const entry = e.report.scenarios[index];
      return entry ? cellOf(entry, index) : { status: "NOT RUN", reason: "not in this run", index: null };
    }),
  );
  return { engines, scenarios, cells, exitCode: Math.max(0, ...engines.map((e) => e.exitCode)) };
}
