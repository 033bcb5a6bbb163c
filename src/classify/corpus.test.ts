import { describe, expect, it } from "vitest";
import {
  loadCorpus,
  materialize,
  parseCorpus,
  type CorpusEntry,
} from "../../fixtures/error-corpus/materialize.ts";
import { classify, type ClassifyOptions } from "./classify.ts";
import { REASONS, isReason, typeOf } from "./taxonomy.ts";

const corpus = loadCorpus();
/** The LLM providers the corpus must span (network, sdk, engine and generic cases are extra). */
const LLM_PROVIDERS = new Set(["openai", "anthropic", "gemini", "openrouter", "azure"]);

describe("the labelled error corpus", () => {
  it("holds at least 100 entries over at least five providers", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const providers = new Set(corpus.map((e) => e.provider).filter((p) => LLM_PROVIDERS.has(p)));
    expect(providers.size).toBeGreaterThanOrEqual(5);
  });

  it("labels every entry with a real reason of the stated type", () => {
    for (const entry of corpus) {
      expect(isReason(entry.expect.reason), entry.id).toBe(true);
      if (isReason(entry.expect.reason))
        expect(typeOf(entry.expect.reason), entry.id).toBe(entry.expect.type);
    }
  });

  it("covers every reason of the taxonomy at least once", () => {
    const covered = new Set(corpus.map((e) => e.expect.reason));
    expect(REASONS.filter((r) => !covered.has(r))).toEqual([]);
  });

  it("rejects a malformed entry loudly, naming its id and path", () => {
    const bad = [{ ...corpus[0], expect: { type: "ProviderRateLimit", reason: "tls", status: 429 } }];
    expect(() => parseCorpus(bad)).toThrow(
      /Failed to load the error corpus: 0\.expect\.reason \(openai-429-rate-limit-tpm\)/,
    );
    expect(() => parseCorpus([corpus[0], corpus[0]])).toThrow(/used twice/);
    expect(() => parseCorpus([{ ...corpus[0], input: { kind: "Nope" } }])).toThrow(/0\.input/);
  });
});

/** The corpus allows explicit `undefined`s; `ClassifyOptions` is exact, so drop them. */
function optionsOf(entry: CorpusEntry): ClassifyOptions {
  const { retry_after_cap_ms, now_ms } = entry.options ?? {};
  return {
    ...(retry_after_cap_ms === undefined ? {} : { retry_after_cap_ms }),
    ...(now_ms === undefined ? {} : { now_ms }),
  };
}

describe("classify on the corpus", () => {
  it.each(corpus.map((entry) => [entry.id, entry] as const))("%s", (_id, entry) => {
    const result = classify(materialize(entry.input), optionsOf(entry));
    expect({ type: result.type, reason: result.reason, status: result.status }).toEqual({
      type: entry.expect.type,
      reason: entry.expect.reason,
      status: entry.expect.status,
    });
    if (entry.expect.retry_after_ms !== undefined)
      expect(result.retry_after_ms).toBe(entry.expect.retry_after_ms);
    expect(result.message.length).toBeLessThanOrEqual(500);
  });
});
