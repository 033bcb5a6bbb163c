import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findSecret, SECRET_PATTERNS } from "../oracle/secret-patterns.ts";
import { findSecretFast, SECRET_PREFILTER_ON } from "./secret-prefilter.ts";

/** One credential-looking text per kind the prefilter knows, inside an audit-like line. */
const PLANTED = [
  "sk-proj-abcdefghijklmnopqrstuvwx",
  "Bearer abcdefghijklmnop",
  "bearer ABCDEFGHIJKLMNOP",
  `AIza${"a".repeat(35)}`,
  "AKIAABCDEFGHIJKLMNOP",
  "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl",
  "fleet-openai-key",
  "x-api-key: abcdefghijklmnop",
  "API_KEY=abcdefghijklmnop",
].map((secret) => `{"v":1,"event":"fallback_failure","x_message":"${secret}"}`);

describe("findSecretFast", () => {
  it("is on for the patterns secret-patterns.ts has (a new pattern needs its anchor in secret-prefilter.ts)", () => {
    expect(SECRET_PATTERNS.length).toBeGreaterThan(0);
    expect(SECRET_PREFILTER_ON).toBe(true);
  });

  it("finds every planted credential, as findSecret does", () => {
    for (const line of PLANTED) {
      expect(findSecret(line)).toBeDefined();
      expect(findSecretFast(line)).toBe(findSecret(line));
    }
  });

  it("agrees with findSecret on text built from pieces of credentials", () => {
    const piece = fc.constantFrom(
      "sk-",
      "SK-",
      "Bearer ",
      "bearer\t",
      "AIza",
      "AKIA",
      "eyJ",
      ".eyJ",
      "fleet-",
      "openai",
      "-key",
      "api",
      "API",
      "_key",
      "key",
      ":",
      "=",
      '"',
      " ",
      "\\n",
      "abcdefghij",
      "ABCDEFGHIJ",
      "0123456789",
      "_-",
      "é",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join("");
        expect(findSecretFast(text)).toBe(findSecret(text));
      }),
      { seed: 42, numRuns: 5000 },
    );
  });
});
