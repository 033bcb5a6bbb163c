import { describe, expect, it } from "vitest";
import { FLEET_API_KEYS } from "../fleet/fleet.ts";
import { findSecret, SECRET_PATTERNS } from "../oracle/secret-patterns.ts";
import { scrubDeep, scrubText } from "./scrub.ts";

const OPENAI = "sk-proj-AbCdEfGhIjKlMnOpQrStUv0123";
const ANTHROPIC = "sk-ant-api03-abcdefghijklmnopqrstu";
const GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

describe("scrubText", () => {
  it.each([
    ["an OpenAI key", `401: invalid key ${OPENAI} used`, "401: invalid key [redacted: an sk- API key] used"],
    ["an Anthropic key", `key=${ANTHROPIC}`, "key=[redacted: an sk- API key]"],
    ["a bearer token", "Authorization: Bearer abc.def.ghi12345", "Authorization: [redacted: a bearer token]"],
    ["a Google key", `?key=${GOOGLE}&alt=sse`, "?key=[redacted: a Google API key]&alt=sse"],
    ["a JWT", `token ${JWT} expired`, "token [redacted: a JWT] expired"],
    ["the fleet's openai key", "sent fleet-openai-key twice", "sent [redacted: a fleet API key] twice"],
    ["an AWS key", "aws AKIAABCDEFGHIJKLMNOP ok", "aws [redacted: an AWS access key] ok"],
    ["an api key assignment", 'X-Api-Key: "abcdef123456789"', '[redacted: an api key assignment]"'],
    [
      "a lower-case bearer token",
      "authorization: bearer abc.def.ghi12345",
      "authorization: [redacted: a bearer token]",
    ],
  ])("removes %s", (_what, text, scrubbed) => {
    expect(scrubText(text)).toBe(scrubbed);
  });

  it("removes every occurrence, not only the first", () => {
    expect(scrubText(`${OPENAI} and ${OPENAI}`)).toBe(
      "[redacted: an sk- API key] and [redacted: an sk- API key]",
    );
  });

  it("removes a key that follows a JSON-escaped newline, and the JSON stays valid", () => {
    const json = JSON.stringify({ message: `line one\n${OPENAI}` });
    expect(json).toContain(`\\n${OPENAI}`);
    const scrubbed = scrubText(json);
    expect(scrubbed).not.toContain(OPENAI);
    expect(JSON.parse(scrubbed)).toEqual({ message: "line one\n[redacted: an sk- API key]" });
  });

  it("covers every key the fleet hands out (a new provider's key cannot slip through)", () => {
    for (const key of Object.values(FLEET_API_KEYS)) expect(scrubText(`x ${key} y`)).not.toContain(key);
  });

  it("leaves ordinary text alone: ids, model names, masked keys", () => {
    const text =
      "req_fleet_000001 task-0123456789abcdefghij openai/gpt-4.1 Incorrect API key provided: fleet-ke***";
    expect(scrubText(text)).toBe(text);
  });
});

describe("the markers that let scrubText skip a pattern", () => {
  it("are text each pattern's source holds, with no look-behind, in the pattern's case sense", () => {
    for (const { kind, pattern, marker } of SECRET_PATTERNS) {
      expect(marker.source, kind).not.toMatch(/\(\?<[=!]/);
      expect(marker.flags.includes("i"), kind).toBe(pattern.flags.includes("i"));
      const literal = marker.source;
      const source = pattern.flags.includes("i") ? pattern.source.toLowerCase() : pattern.source;
      expect(source, kind).toContain(pattern.flags.includes("i") ? literal.toLowerCase() : literal);
    }
  });

  it("is found in every match of its pattern, so skipping a text without it changes nothing", () => {
    const samples = [
      `a ${OPENAI} b ${ANTHROPIC}`,
      "Authorization: BEARER abcdefgh12345678",
      `k=${GOOGLE}`,
      "AKIAABCDEFGHIJKLMNOP",
      JWT,
      "fleet-google-key",
      "api_key = 'abcdefghijkl12'",
      "apikey:abcdefghijkl12",
    ];
    for (const { kind, pattern, marker } of SECRET_PATTERNS) {
      const global = new RegExp(pattern.source, `${pattern.flags}g`);
      for (const sample of samples)
        for (const match of sample.matchAll(global)) expect(marker.test(match[0]), kind).toBe(true);
    }
    expect(samples.map(scrubText).every((s) => s.includes("[redacted: "))).toBe(true);
  });
});

describe("scrubDeep", () => {
  it("scrubs every string inside arrays and plain objects, keeping the shape", () => {
    const value = { reasons: [`got ${OPENAI}`], nested: { n: 3, text: "fleet-google-key" }, ok: true };
    expect(scrubDeep(value)).toEqual({
      reasons: ["got [redacted: an sk- API key]"],
      nested: { n: 3, text: "[redacted: a fleet API key]" },
      ok: true,
    });
  });
});

describe("findSecret (the audit checker's view of the same patterns)", () => {
  it("finds a fleet key and a JWT in an audit line", () => {
    expect(findSecret('{"message":"fleet-azure-key"}')).toBe("a fleet API key");
    expect(findSecret(`{"message":"${JWT}"}`)).toBe("a JWT");
  });
});
