import type { TierVerdict } from "../runner/checks.ts";
import type { ScenarioOutcome } from "../runner/run-suite.ts";

/**
 * `npm run scorecard`'s table (issue 14): engine × scenario on real time, each cell its tier verdicts, first
 * reason, median time per request and, for a FAIL, a link to the evidence a maintainer of that engine needs
 * to reproduce it. Built from the suite's outcomes (not from report.json): the evidence and the request
 * times are in the outcomes, which report.json summarises away.
 */

/** A cell's status, worst first. */
export type CellKind = "fail-safety" | "fail-conformance" | "partial" | "pass" | "skipped" | "not-run";

/** One scenario × engine cell. */
export interface ScoreCell {
  readonly kind: CellKind;
  readonly safety: TierVerdict | null;
  readonly conformance: TierVerdict | null;
  /** The first reason behind a FAIL (safety first), the first check not made of a PARTIAL, or why not run. */
  readonly reason: string;
  /** Median send-to-outcome time of the scenario's requests, wall ms; null when nothing ran. */
  readonly medianMs: number | null;
  /** The evidence file of a FAIL, relative to the scorecard folder; null otherwise. */
  readonly evidence: string | null;
}

/** One engine's column. */
export interface ScoreColumn {
  /** As asked for: `reference`, `portkey`, `plain-fetch-loop`, a module path. */
  readonly given: string;
  /** The name the engine reported (its module's `name`), or `given` when it never ran. */
  readonly name: string;
  /** Package versions, `opencode --version`, or our commit: what exactly was judged. */
  readonly version: string;
  /** Its folder in the scorecard (its full report, its evidence). */
  readonly dir: string;
  /** Why the engine was not run (not registered, install failed…); null when it ran. */
  readonly notRun: string | null;
  /** Wall time of its whole run, ms; null when not run. */
  readonly wallMs: number | null;
  /** Median time per request over every scenario it ran, wall ms. */
  readonly medianMs: number | null;
  /** When, at which commit and on how busy a machine this column ran: a kept column may be from another run. */
  readonly ran: ColumnRun;
}

/** The facts of one engine's run, stated per column because `--keep` puts columns of several runs side by side. */
export interface ColumnRun {
  readonly date: string;
  readonly commit: string;
  /** Load averages at its start and end. */
  readonly load: string;
}

/** A scenario's row label. */
export interface ScenarioRow {
  readonly id: string;
  readonly title: string;
  readonly file: string;
}

/**
 * One engine's column as the table needs it, and as `<engine>/column.json` keeps it: its cells in the order
 * its scenarios ran. A scenario missing from `rows` was not in that engine's run.
 */
export interface ColumnResult {
  readonly column: ScoreColumn;
  readonly rows: readonly (ScenarioRow & { readonly cell: ScoreCell })[];
}

/** The facts the header states; each may differ between runs (the table below them is deterministic). */
export interface ScoreHeader {
  readonly date: string;
  readonly machine: string;
  readonly namespace: string;
  readonly commit: string;
  readonly budgetS: number;
  /** Tolerances real time adds (stated so a reader knows what a timing FAIL means). */
  readonly tolerances: readonly string[];
}

/** The whole table. */
export interface ScoreTable {
  readonly header: ScoreHeader;
  readonly columns: readonly ScoreColumn[];
  readonly scenarios: readonly { readonly id: string; readonly title: string; readonly file: string }[];
  /** `cells[scenario][column]`. */
  readonly cells: readonly (readonly ScoreCell[])[];
}

/** What one engine's run gave the table. */
export type EngineRun =
  | { readonly kind: "not-run"; readonly column: ScoreColumn }
  | {
      readonly kind: "ran";
      readonly column: ScoreColumn;
      readonly outcomes: readonly ScenarioOutcome[];
      readonly skipped: readonly { readonly id: string; readonly file: string; readonly reason: string }[];
      /** Evidence file per failed scenario id, relative to the scorecard folder. */
      readonly evidence: ReadonlyMap<string, string>;
    };

/** The median of a list, or null for none (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** Send-to-outcome times of an outcome's requests, ms (hangs included: the caller waited that long). */
export const requestTimes = (o: ScenarioOutcome): number[] => o.run.requests.map((r) => r.endedAt - r.sentAt);

const firstLine = (text: string): string => (text.split("\n")[0] ?? "").trim();

/** A scenario outcome's cell: a safety failure outranks a conformance one; PARTIAL never hides a failure. */
export function cellOf(outcome: ScenarioOutcome, evidence: string | null): ScoreCell {
  const { tiers, reasons, notChecked } = outcome.verdict;
  const base = {
    safety: tiers.safety,
    conformance: tiers.conformance,
    medianMs: median(requestTimes(outcome)),
  };
  const reasonOf = (tier: "safety" | "conformance"): string =>
    firstLine(reasons.find((r) => r.startsWith(`[${tier}]`)) ?? reasons[0] ?? "");
  if (tiers.safety === "fail") return { ...base, kind: "fail-safety", reason: reasonOf("safety"), evidence };
  if (tiers.conformance === "fail" || outcome.verdict.verdict === "fail")
    return { ...base, kind: "fail-conformance", reason: reasonOf("conformance"), evidence };
  const first = notChecked[0];
  if (tiers.safety === "partial" || tiers.conformance === "partial")
    return {
      ...base,
      kind: "partial",
      reason: first && first.outcome.kind === "not-checked" ? firstLine(first.outcome.reason) : "",
      evidence: null,
    };
  return { ...base, kind: "pass", reason: "", evidence: null };
}

const absent = (kind: "skipped" | "not-run", reason: string): ScoreCell => ({
  kind,
  safety: null,
  conformance: null,
  reason,
  medianMs: null,
  evidence: null,
});

/** An engine run's column and cells: the outcomes summarised to what the table shows. */
export function columnResult(run: EngineRun): ColumnResult {
  if (run.kind === "not-run") return { column: run.column, rows: [] };
  const rows = run.outcomes.map((o) => ({
    id: o.scenario.id,
    title: o.scenario.title,
    file: o.file,
    cell: cellOf(o, run.evidence.get(o.scenario.id) ?? null),
  }));
  const skips = run.skipped
    .filter((s) => !rows.some((r) => r.id === s.id))
    .map((s) => ({ id: s.id, title: "", file: s.file, cell: absent("skipped", s.reason) }));
  return { column: run.column, rows: [...rows, ...skips] };
}

/**
 * Builds the table: scenarios in the order they first appear (each engine runs the same selection in the
 * same order, so the order does not depend on which engine ran), engines in the order given.
 */
export function buildScoreTable(header: ScoreHeader, results: readonly ColumnResult[]): ScoreTable {
  const scenarios: ScenarioRow[] = [];
  const at = new Map<string, number>();
  for (const { rows } of results)
    for (const { id, title, file } of rows) {
      const known = at.get(id);
      if (known === undefined) {
        at.set(id, scenarios.length);
        scenarios.push({ id, title, file });
      }
      // A skipped scenario has no title; a column that ran it supplies one.
      else if (scenarios[known]?.title === "" && title !== "") scenarios[known] = { id, title, file };
    }
  const cells = scenarios.map(({ id }) =>
    results.map(({ column, rows }): ScoreCell => {
      if (column.notRun !== null) return absent("not-run", column.notRun);
      return rows.find((r) => r.id === id)?.cell ?? absent("skipped", "not in this engine's run");
    }),
  );
  return { header, columns: results.map((r) => r.column), scenarios, cells };
}
