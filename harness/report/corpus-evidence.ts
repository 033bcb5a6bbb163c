import { classify } from "../../src/index.ts";
import { loadCorpus, materialize } from "../../fixtures/error-corpus/materialize.ts";
import type { ExtraEvidence } from "./parity.ts";

/**
 * DECISION_037 evidence for the reference engine: its classifier against the labelled corpus. (A foreign
 * engine's classifier cannot be called directly; its row is judged through scenarios.)
 */
export function referenceCorpusEvidence(): NonNullable<ExtraEvidence["corpus"]> {
  const corpus = loadCorpus();
  let exact = 0;
  let firstMismatch: string | null = null;
  for (const entry of corpus) {
    const got = classify(materialize(entry.input), entry.options ?? {});
    const wrong = labelledMismatches(entry.expect, got);
    if (wrong.length === 0) exact++;
    else firstMismatch ??= `${entry.id}: ${wrong.join(", ")}`;
  }
  return { total: corpus.length, exact, firstMismatch };
}

/** What a classification must match: every field the corpus entry labels (an absent label is not checked). */
interface Labelled {
  readonly type: string;
  readonly reason: string;
  readonly status?: number | null | undefined;
  readonly retry_after_ms?: number | null | undefined;
}

/**
 * Every labelled field that differs, as `reason: expected rate_limit, got unknown`. `retry_after_ms` is
 * compared too (issue 12): a classifier that drops an HTTP-date Retry-After still names the right class.
 */
export function labelledMismatches(
  expect: Labelled,
  got: {
    readonly type: string;
    readonly reason: string;
    readonly status: number | null;
    readonly retry_after_ms: number | null;
  },
): string[] {
  const wrong: string[] = [];
  const field = (name: string, want: unknown, have: unknown): void => {
    if (want !== undefined && want !== have)
      wrong.push(`${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`);
  };
  field("type", expect.type, got.type);
  field("reason", expect.reason, got.reason);
  field("status", expect.status, got.status);
  field("retry_after_ms", expect.retry_after_ms, got.retry_after_ms);
  return wrong;
}
