import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuditLine } from "../oracle/audit-schema.ts";
import { fastAuditLine } from "./fast-audit-line.ts";

const dir = fileURLToPath(new URL("../../fixtures/audit/", import.meta.url));

/** Every JSON line of the fixture logs in `sub` (good or bad). */
function fixtureRecords(sub: "good" | "bad"): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const file of readdirSync(`${dir}${sub}`).filter((name) => name.endsWith(".jsonl")))
    for (const text of readFileSync(`${dir}${sub}/${file}`, "utf8").split("\n")) {
      try {
        const value = JSON.parse(text) as unknown;
        if (typeof value === "object" && value !== null && !Array.isArray(value))
          out.push(value as Record<string, unknown>);
      } catch {
        // not JSON: the checker never asks the fast path about it
      }
    }
  return out;
}

const good = fixtureRecords("good");
const bad = fixtureRecords("bad");

/** The values a field is set to: valid ones of every field and the edges the schema draws. */
const FIELD_VALUES: readonly unknown[] = [
  null,
  0,
  -0,
  1,
  2,
  -1,
  1.5,
  99,
  100,
  599,
  600,
  2 ** 53 - 1,
  2 ** 53,
  "",
  "x",
  "build",
  "1",
  "openai/gpt-4.1",
  "anthropic/claude-sonnet-4-5",
  "openrouter/anthropic/claude",
  "openai/",
  "/gpt",
  "open ai/gpt",
  "openai/gpt 4",
  "2025-01-01T12:00:00.000Z",
  "2025-02-29T00:00:00.000Z",
  "2024-02-29T00:00:00.000Z",
  "2025-01-01T12:00:00Z",
  "2025-01-01T24:00:00.000Z",
  true,
  false,
  [],
  ["openai/gpt-4.1"],
  ["openai/gpt-4.1", "x"],
  {},
  "closed",
  "open",
  "half_open",
  "retry",
  "fallback",
  "compact",
  "fail",
  "server_error",
  "rate_limit",
  "auth",
  "ProviderError",
  "ProviderRateLimit",
  "LogicError",
  "circuit_open",
  "deadline",
  "all_open",
  "cooldown_elapsed",
  "probe_success",
  "fallback_request",
  "fallback_attempt",
  "fallback_failure",
  "unknown_event",
];

type Edit =
  | { kind: "set"; key: string; value: unknown }
  | { kind: "delete"; key: string }
  | { kind: "add"; key: string };

const edit = (keys: readonly string[]): fc.Arbitrary<Edit> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant("set" as const),
        key: fc.constantFrom(...keys),
        value: fc.constantFrom(...FIELD_VALUES),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom(...keys) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        key: fc.constantFrom("x_note", "note", "__proto__"),
      }),
    },
  );

function apply(base: Record<string, unknown>, edits: readonly Edit[]): Record<string, unknown> {
  // Through JSON, as the checker gets its records (a "__proto__" key becomes an own property).
  const record = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  let text = JSON.stringify(record);
  for (const change of edits) {
    const current = JSON.parse(text) as Record<string, unknown>;
    if (change.kind === "set") current[change.key] = change.value;
    else if (change.kind === "delete") delete current[change.key];
    text =
      change.kind === "add"
        ? `${JSON.stringify(current).slice(0, -1)},"${change.key}":1}`
        : JSON.stringify(current);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

describe("fastAuditLine", () => {
  it("passes every line of the good fixture logs, as the schema reads them", () => {
    expect(good.length).toBeGreaterThan(100);
    for (const record of good) {
      const parsed = parseAuditLine(record);
      expect(parsed.ok).toBe(true);
      expect(fastAuditLine(record)).toEqual(parsed.ok ? parsed.line : undefined);
    }
  });

  it("never passes a line the schema rejects, on the bad fixture logs", () => {
    for (const record of bad) {
      const fast = fastAuditLine(record);
      if (fast === undefined) continue;
      const parsed = parseAuditLine(record);
      expect(parsed.ok ? parsed.line : parsed.problem).toEqual(fast);
    }
  });

  it("agrees with the schema on edited lines: yes exactly when the schema says yes and the line has no extra field", () => {
    const bases = [...new Map(good.map((record) => [String(record.event), record])).values()];
    expect(bases).toHaveLength(8);
    const cases = fc
      .constantFrom(...bases)
      .chain((base) =>
        fc.tuple(fc.constant(base), fc.array(edit(Object.keys(base)), { minLength: 1, maxLength: 3 })),
      );
    fc.assert(
      fc.property(cases, ([base, edits]) => {
        const record = apply(base, edits);
        const parsed = parseAuditLine(record);
        const keysChanged =
          Object.keys(record).length !== Object.keys(base).length ||
          !Object.keys(base).every((key) => Object.hasOwn(record, key));
        const fast = fastAuditLine(record);
        if (fast !== undefined) {
          expect(parsed.ok).toBe(true);
          expect(fast).toEqual(parsed.ok ? parsed.line : undefined);
        } else if (!keysChanged) {
          expect(parsed.ok).toBe(false);
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });
});
