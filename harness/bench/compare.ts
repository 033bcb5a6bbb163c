import { BaselineSchema, type Baseline } from "./bench-report.ts";

/** How one ratio moved between the baseline and this run. */
export type RatioVerdict = "regressed" | "improved" | "unchanged" | "missing";

/** One ratio of the comparison. */
export interface RatioComparison {
  readonly key: string;
  readonly baseline: number;
  /** `null` when this run did not produce the ratio. */
  readonly current: number | null;
  /** (current − baseline) / baseline; `null` when it cannot be computed. */
  readonly change: number | null;
  readonly verdict: RatioVerdict;
}

/** The verdict of a comparison. */
export interface ComparisonResult {
  readonly rows: readonly RatioComparison[];
  readonly regressed: number;
  readonly improved: number;
  readonly missing: number;
  /** No ratio regressed beyond the threshold. */
  readonly ok: boolean;
}

/** Options of {@link compareRatios}. */
export interface CompareOptions {
  /** Relative growth allowed before a ratio counts as regressed, as a fraction (0.25 = 25 %). */
  readonly threshold: number;
  /**
   * Absolute change below which a ratio never regresses. Overhead ratios sit near 0.01, where a few
   * microseconds of scheduler noise are a large relative change; without a floor the gate would flap.
   */
  readonly minDelta?: number;
}

/** The default absolute floor of {@link CompareOptions.minDelta}. */
export const DEFAULT_MIN_DELTA = 0.01;

/**
 * Compares this run's ratios with a baseline's. Every ratio is "lower is better" (a latency over its
 * physical limit, an overhead over one mocked call), so only growth beyond the threshold regresses; a ratio
 * the baseline has and this run lacks is reported as missing, not as a failure (a peer may have been
 * dropped); ratios new in this run are not compared.
 */
export function compareRatios(
  baseline: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>>,
  options: CompareOptions,
): ComparisonResult {
  const minDelta = options.minDelta ?? DEFAULT_MIN_DELTA;
  const rows: RatioComparison[] = Object.keys(baseline)
    .sort()
    .map((key): RatioComparison => {
      const before = baseline[key] as number;
      const now = current[key];
      if (now === undefined)
        return { key, baseline: before, current: null, change: null, verdict: "missing" };
      const delta = now - before;
      const change = before === 0 ? null : delta / before;
      const beyond = before === 0 ? delta > 0 : Math.abs(delta / before) > options.threshold;
      const verdict: RatioVerdict =
        !beyond || Math.abs(delta) < minDelta ? "unchanged" : delta > 0 ? "regressed" : "improved";
      return { key, baseline: before, current: now, change, verdict };
    });
  const count = (verdict: RatioVerdict): number => rows.filter((r) => r.verdict === verdict).length;
  const regressed = count("regressed");
  return { rows, regressed, improved: count("improved"), missing: count("missing"), ok: regressed === 0 };
}

/** The result of {@link parseBaseline}: the baseline, or a message telling the user what to fix. */
export type ParseBaselineResult =
  { readonly ok: true; readonly baseline: Baseline } | { readonly ok: false; readonly message: string };

/** Reads a stored bench report as a baseline; never throws. */
export function parseBaseline(text: string, path: string): ParseBaselineResult {
  const hint = "Pass a JSON report written by `fallback-harness bench` (reports/bench/<timestamp>.json).";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Failed to read the baseline ${path}: it is not JSON (${reason}). ${hint}` };
  }
  const parsed = BaselineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue === undefined || issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
    return {
      ok: false,
      message: `Failed to read the baseline ${path}: ${where}: ${issue?.message ?? "invalid"}. ${hint}`,
    };
  }
  return { ok: true, baseline: parsed.data };
}

/** The comparison as a plain-text table, regressions first. */
export function formatComparison(result: ComparisonResult, threshold: number): string {
  const order: Readonly<Record<RatioVerdict, number>> = {
    regressed: 0,
    missing: 1,
    improved: 2,
    unchanged: 3,
  };
  const rows = [...result.rows].sort(
    (a, b) => order[a.verdict] - order[b.verdict] || a.key.localeCompare(b.key),
  );
  const fmt = (n: number | null): string => (n === null ? "—" : n.toFixed(4));
  const pct = (n: number | null): string =>
    n === null ? "—" : `${n >= 0 ? "+" : ""}${(n * 100).toFixed(1)} %`;
  const lines = rows.map(
    (r) =>
      `${r.verdict.padEnd(10)} ${r.key.padEnd(62)} ${fmt(r.baseline).padStart(9)} → ${fmt(r.current).padStart(9)}  ${pct(r.change)}`,
  );
  const head = `Ratios against the baseline (threshold ${(threshold * 100).toFixed(0)} %): ${result.regressed} regressed, ${result.improved} improved, ${result.missing} missing, ${result.rows.length} compared.`;
  return `${head}\n${lines.join("\n")}\n`;
}
