import { Faker, en } from "@faker-js/faker";
import type { Random } from "../../src/index.ts";

/** Where answers' text comes from: seeded faker prose, or one fixed text so truncation is an exact comparison. */
export type ContentMode = "canonical" | "faker";

/** The text the canonical mode answers with unless told otherwise. */
export const DEFAULT_CANONICAL_TEXT =
  "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs.";

/** Makes answer texts. */
export interface ContentSource {
  /** The answer to one request; `random` is the request's provider/model stream, drawn once. */
  answer(random: Random): string;
}

/**
 * A content source. Faker mode reseeds one `Faker` per request from the provider/model stream, so an
 * answer depends only on the fleet seed and how many requests that model has answered before.
 */
export function createContent(
  mode: ContentMode,
  canonicalText: string = DEFAULT_CANONICAL_TEXT,
): ContentSource {
  if (mode === "canonical") return { answer: () => canonicalText };
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
