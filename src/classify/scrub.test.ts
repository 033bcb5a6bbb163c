import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS, scrubMessage } from "./scrub.ts";

describe("scrubMessage", () => {
  it.each([
    [
      "an OpenAI project key",
      "Incorrect API key provided: sk-proj-AbCdEfGh0123456789xyz.",
      "sk-proj-AbCdEfGh0123456789xyz",
    ],
    ["an OpenAI key echoed masked", "Incorrect API key provided: sk-abc***. You can find…", "sk-abc***"],
    [
      "an Anthropic key",
      "key sk-ant-api03-AbCdEf0123456789-_xyz was rejected",
      "sk-ant-api03-AbCdEf0123456789-_xyz",
    ],
    [
      "a bearer token",
      "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
      "eyJhbGciOiJIUzI1NiJ9.payload.sig",
    ],
    [
      "a Google API key",
      "API key AIzaSyA1234567890abcdefghijklmnopqrstu not valid",
      "AIzaSyA1234567890abcdefghijklmnopqrstu",
    ],
    ["an api-key header", "sent api-key: 0c1f3e5d7b9a", "0c1f3e5d7b9a"],
    ["an x-api-key header", "x-api-key=hunter2hunter2", "hunter2hunter2"],
    ["a JSON api_key field", '{"api_key": "abcdef123456"}', "abcdef123456"],
    [
      "a key in a URL",
      "GET https://generativelanguage.googleapis.com/v1beta/models?key=abc123def456&alt=sse",
      "abc123def456",
    ],
    [
      "a long hex secret",
      "token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 leaked",
      "9f86d081884c7d659a2feaa0c55ad015",
    ],
    [
      "a long base64 secret",
      "secret dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB3aXRoIDEyMyBkaWdpdHM9PQ== here",
      "dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB3aXRoIDEyMyBkaWdpdHM9PQ",
    ],
  ])("removes %s", (_label, text, secret) => {
    const out = scrubMessage(text);
    expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
  });

  it("keeps the label of a labelled credential", () => {
    expect(scrubMessage("Authorization: Bearer abcdefghijkl")).toBe("Authorization: Bearer [redacted]");
    expect(scrubMessage("https://x.test/v1?key=abc123&alt=sse")).toBe(
      "https://x.test/v1?key=[redacted]&alt=sse",
    );
  });

  it("leaves ordinary provider messages alone", () => {
    const messages = [
      "Rate limit reached for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms.",
      "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
      "The model `gpt-9` does not exist or you do not have access to it.",
      "https://platform.openai.com/docs/guides/error-codes/api-errors",
      "request req_011CSLsW7mFqvHHnzrKdKjAE failed",
      "a risk-free task-force",
    ];
    for (const m of messages) expect(scrubMessage(m)).toBe(m);
  });

  it("truncates to 500 characters after scrubbing, marking the cut", () => {
    const out = scrubMessage("word ".repeat(2_000));
    expect(out.length).toBe(MAX_MESSAGE_CHARS);
    expect(out.endsWith("…")).toBe(true);
    expect(scrubMessage("short")).toBe("short");
  });

  it("scrubs a secret that straddles the 500-character mark", () => {
    const secret = "sk-ant-api03-" + "Z9".repeat(40);
    const out = scrubMessage("x".repeat(480) + " " + secret);
    expect(out).not.toContain("Z9Z9");
  });

  it("does not split a surrogate pair at the cut", () => {
    const out = scrubMessage("x".repeat(498) + "😀".repeat(10));
    expect(out.length).toBeGreaterThan(490);
    expect(out.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(() => encodeURIComponent(out)).not.toThrow();
  });

  it("handles megabyte inputs quickly", () => {
    expect(scrubMessage("sk-".repeat(2_000_000)).length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });
});
