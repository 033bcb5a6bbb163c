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
    const ok = got.type === entry.expect.type && got.reason === entry.expect.reason && (entry.expect.status === undefined || got.status === entry.expect.status);
    if (ok) exact++;
    else firstMismatch ??= `${entry.id}: expected ${entry.expect.type}/${entry.expect.reason}, got ${got.type}/${got.reason}`;
  }
  return { total: corpus.length, exact, firstMismatch };
}
