import type { EngineConfig } from "../../../src/index.ts";
import type { ActionId, RunbookStep, SuggestedAction, TriageAnalysis } from "../triage-findings.ts";

/** One runbook action as a rule: when it fires, and what it proposes with which evidence. */
export interface TriageRule {
  readonly id: ActionId;
  readonly step: RunbookStep;
  /** The threshold in words, as the report states it. */
  readonly threshold: string;
  suggest(analysis: TriageAnalysis, config: EngineConfig | undefined): SuggestedAction[];
}

/** `0.75` → `75 %`. */
export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** `server_error ×9 (500 ×9)`-style list of a record's entries, largest first. */
export function tally(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .filter(([, n]) => n > 0)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
    .map(([key, n]) => `${key} ×${n}`)
    .join(", ");
}

/** `req-1 (line 3)`, `req-2 (line 9)` … for evidence. */
export function requestList(
  requests: readonly { readonly requestId: string; readonly firstLine: number; readonly lastLine: number }[],
): string {
  return requests.map((r) => `${r.requestId} (lines ${r.firstLine}–${r.lastLine})`).join(", ");
}
