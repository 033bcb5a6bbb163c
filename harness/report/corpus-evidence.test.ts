import { describe, expect, it } from "vitest";
import { labelledMismatches, referenceCorpusEvidence } from "./corpus-evidence.ts";

describe("corpus evidence compares every labelled field", () => {
  const got = { type: "ProviderRateLimit", reason: "rate_limit", status: 429, retry_after_ms: null };

  it("names a retry_after_ms that differs from its label, with the class right", () => {
    expect(
      labelledMismatches(
        { type: "ProviderRateLimit", reason: "rate_limit", status: 429, retry_after_ms: 30_000 },
        got,
      ),
    ).toEqual(["retry_after_ms: expected 30000, got null"]);
  });

  it("does not check a field the entry leaves unlabelled", () => {
    expect(
      labelledMismatches(
        { type: "ProviderRateLimit", reason: "rate_limit", status: 429 },
        { ...got, retry_after_ms: 5 },
      ),
    ).toEqual([]);
  });

  it("names every wrong field at once", () => {
    expect(
      labelledMismatches(
        { type: "ProviderError", reason: "server_error", status: 500, retry_after_ms: null },
        got,
      ),
    ).toHaveLength(3);
  });

  it("finds the reference classifier exact on every entry, waits included", () => {
    const evidence = referenceCorpusEvidence();
    expect(evidence.firstMismatch).toBeNull();
    expect(evidence.exact).toBe(evidence.total);
  });
});
