import type { Random } from "../../src/index.ts";

/** Where answers' text comes from: seeded faker prose, or one fixed text per model so truncation is exact. */
export type ContentMode = "canonical" | "faker";

/** The prose every canonical answer starts with. */
export const DEFAULT_CANONICAL_TEXT =
  "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs.";

/**
 * The canonical answer of one model (`provider/model`): the shared prose, then the model id in brackets.
 * Distinct per model, so a returned text names the model that wrote it (SPEC §10.3: the reported model is
 * the one whose answer was returned); the closing bracket keeps one model's answer from being a prefix of
 * another's (`openai/gpt-4` vs `openai/gpt-4o`), so a truncated answer never passes for a whole one.
 */
export function canonicalAnswerFor(model: string): string {
  return `${DEFAULT_CANONICAL_TEXT} [${model}]`;
}

/** Makes answer texts. */
export interface ContentSource {
  /**
   * The answer of `model` (`provider/model`) to one request; `random` is that model's stream, drawn once
   * per answer.
   */
  answer(random: Random, model: string): string;
}

/**
 * A content source (faker is imported on first use). Canonical mode answers {@link canonicalAnswerFor} the model, or `fixedText` for every
 * model when given (tests that want one known text). Faker mode reseeds one `Faker` per request from the
 * provider/model stream, so an answer depends only on the fleet seed and how many requests that model has
 * answered before.
 */
export async function createContent(mode: ContentMode, fixedText?: string): Promise<ContentSource> {
  if (mode === "canonical")
    return { answer: (_random, model) => (fixedText === undefined ? canonicalAnswerFor(model) : fixedText) };
  // Loaded only when asked for: faker and its English locale are a tenth of every isolate's start-up, and
  // most scenarios answer canonical text.
  const { Faker, en } = await import("@faker-js/faker");
  const faker = new Faker({ locale: [en] });
  return {
    answer(random) {
      faker.seed(Math.floor(random.next() * 2 ** 32));
      return faker.lorem.sentences({ min: 1, max: 3 });
    },
  };
}

/**
 * Cuts a text into stream tokens: each token is one word with the whitespace before it, so the tokens
 * joined give back the text exactly.
 */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** A deterministic prompt-size estimate (about four characters a token), at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
