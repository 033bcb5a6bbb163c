import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AUDIT_EVENT_NAMES,
  ORACLE_AUDIT_SCHEMAS as SCHEMAS,
  parseAuditLine,
  type AuditEventName,
} from "../oracle/audit-schema.ts";
import { findSecret } from "../oracle/secret-patterns.ts";
import { propertySeeds, runsFor } from "../properties/seeds.ts";
import { fastAuditLine } from "./fast-audit-line.ts";
import { scanAuditLine, scanMayHoldSecret } from "./scan-audit-line.ts";

/*
 * The scanner is the checker's and the incident reader's fast path; JSON.parse + parseAuditLine (zod) is the
 * slow path that also words problems. The law: whatever line the scanner accepts, the slow path accepts as
 * the same line (so verdicts and messages cannot differ), and a valid line in the writers' layout is never
 * left to the slow path (or `check` would quietly lose its speed). Lines are valid ones, lines with a field
 * set to another field's (or a broken) value, and lines cut, spliced or with a character changed.
 * The scanner also says whether a line may hold a credential; when it says no, the secret patterns must
 * find none, so free strings (request id, agent, model ids) sometimes carry one.
 */

const SECRET_MODELS = ["openai/sk-abcdefghijklmnopqrstuv", "fleet/fleet-openai-key"];
const MODELS = [
  "openai/gpt-4o",
  "anthropic/claude-sonnet-4-5",
  "openrouter/anthropic/claude",
  "g/m",
  ...SECRET_MODELS,
];
const SECRET_TEXTS = ["sk-proj-abcdefghijklmnopqrstuvwx", "Bearer abcdefghijklmnop", "AKIAABCDEFGHIJKLMNOP"];
const BAD_MODELS = ["openai/", "/gpt", "open ai/gpt", "openai/gpt 4", "x", ""];
const TIMES = ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.003Z", "2024-02-29T23:59:59.999Z"];
const BAD_TIMES = ["2025-02-29T00:00:00.000Z", "2026-01-01T00:00:00Z", "2026-01-01T24:00:00.000Z", "2026"];
const INTEGERS = [0, 1, 2, 3, 99, 100, 429, 500, 599, 600, 2 ** 53 - 1, 2 ** 53, 123_456_789_012_345];
const ODD_NUMBERS = [-1, -0, 1.5, 2 ** 53, 1e21, 0.1];

/** The values of an enum field of the schema (a nullable one's too); none for other fields. */
function optionsOf(field: unknown): string[] {
  const inner = (field as { unwrap?: () => unknown }).unwrap?.() ?? field;
  const options = (inner as { options?: unknown }).options;
  return Array.isArray(options) ? options.filter((o): o is string => typeof o === "string") : [];
}

/** Every enum value any field accepts, so a field often gets another field's value. */
const ENUM_VALUES: readonly string[] = [
  ...new Set(
    Object.values(SCHEMAS).flatMap((schema) =>
      Object.values(schema.shape as Record<string, unknown>).flatMap(optionsOf),
    ),
  ),
];

/** A value of any kind: the pool a corrupted field draws from. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, {}, [], ...INTEGERS, ...ODD_NUMBERS, ...ENUM_VALUES),
  fc.constantFrom(...MODELS, ...BAD_MODELS, ...TIMES, ...BAD_TIMES),
  fc.array(fc.constantFrom(...MODELS, ...BAD_MODELS), { maxLength: 3 }),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);

/** A value the field usually accepts (sometimes the edge it does not). */
function validValue(event: AuditEventName, key: string): fc.Arbitrary<unknown> {
  switch (key) {
    case "v":
      return fc.constant(1);
    case "seq":
    case "attempt":
    case "model_attempt":
    case "attempts":
    case "failures":
    case "latency_ms":
      return fc.constantFrom(...INTEGERS);
    case "status":
    case "retry_after_ms":
    case "delay_ms":
      return fc.constantFrom(null, ...INTEGERS);
    case "ts":
    case "until":
      return fc.constantFrom(...TIMES);
    case "cooldown_until":
      return fc.constantFrom(null, ...TIMES);
    case "event":
      return fc.constant(event);
    case "request_id":
      return fc.oneof(
        fc.constantFrom("req-0000001", "3f0c2a9e-1b7d-4c55-9a43-7f1f0d8a2b11", ...SECRET_TEXTS),
        fc.string(),
      );
    case "agent":
      return fc.oneof(fc.constantFrom("build", "plan", "", ...SECRET_TEXTS), fc.string({ maxLength: 8 }));
    case "model":
    case "primary":
      return fc.constantFrom(...MODELS);
    case "chain":
      return fc.array(fc.constantFrom(...MODELS), { minLength: 1, maxLength: 3 });
    case "fallback":
      return fc.boolean();
    default: {
      const shape = SCHEMAS[event].shape as Record<string, unknown>;
      return fc.constantFrom(null, ...optionsOf(shape[key]));
    }
  }
}

/** A line's fields in the schema's (and the writers') order, some replaced by any value, some dropped or added. */
const record: fc.Arbitrary<{ fields: Record<string, unknown>; extra: boolean }> = fc
  .constantFrom(...AUDIT_EVENT_NAMES)
  .chain((event) =>
    fc.tuple(
      fc.tuple(
        ...Object.keys(SCHEMAS[event].shape).map((key) =>
          fc.tuple(
            fc.constant(key),
            fc.oneof({ weight: 12, arbitrary: validValue(event, key) }, { weight: 1, arbitrary: anyValue }),
            fc.integer({ min: 0, max: 40 }),
          ),
        ),
      ),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.constantFrom("x_note", "note", "model", "seq", "__proto__"), anyValue),
        },
      ),
    ),
  )
  .map(([fields, extra]) => {
    const out: Record<string, unknown> = {};
    // A field drawn with 0 is left out.
    for (const [key, value, keep] of fields) if (keep > 0) out[key] = value;
    if (extra !== null) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true });
    return { fields: out, extra: extra !== null };
  });

const CHANGES = [" ", "\\", '"', "0", "1", "a", "\u0001", "}", "]", ",", ":", ".", "e", "-", "é", "\n"];

/** The line as written, or spoiled: cut short, a character changed, text put in, or spaced out. */
const line: fc.Arbitrary<{ text: string; canonical: boolean }> = fc
  .tuple(
    record,
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      {
        weight: 4,
        arbitrary: fc.tuple(
          fc.constantFrom("cut", "replace", "insert", "spaced"),
          fc.nat(400),
          fc.constantFrom(...CHANGES),
        ),
      },
    ),
  )
  .map(([{ fields, extra }, change]) => {
    const text = JSON.stringify(fields);
    if (change === null) return { text, canonical: !extra };
    const [kind, position, char] = change;
    const at = position % (text.length + 1);
    const spoiled =
      kind === "cut"
        ? text.slice(0, at)
        : kind === "replace"
          ? text.slice(0, at) + char + text.slice(at + 1)
          : kind === "insert"
            ? text.slice(0, at) + char + text.slice(at)
            : JSON.stringify(fields, null, 1);
    return { text: spoiled, canonical: false };
  });

/** The slow path: JSON.parse, then the hand-written test of the decoded object or else the schema. */
function slowPath(text: string): { ok: true; value: unknown; line: unknown } | { ok: false } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  const fast = fastAuditLine(value);
  if (fast !== undefined) return { ok: true, value, line: fast };
  const parsed = parseAuditLine(value);
  return parsed.ok ? { ok: true, value, line: parsed.line } : { ok: false };
}

describe.each(propertySeeds())(
  "the audit-line scanner against JSON.parse + the schema ($label)",
  ({ seed }) => {
    it("accepts only lines the slow path accepts, as the same line, and every plain written line", () => {
      let accepted = 0;
      fc.assert(
        fc.property(line, ({ text, canonical }) => {
          const scanned = scanAuditLine(text);
          const slow = slowPath(text);
          if (scanned !== undefined) {
            accepted += 1;
            expect(slow.ok).toBe(true);
            if (!slow.ok) return;
            // The same line as the schema reads it, and the same object as JSON.parse makes (seq and ts are read from it).
            expect(scanned).toEqual(slow.line);
            expect(scanned).toEqual(slow.value);
          } else if (canonical && slow.ok && !text.includes("\\")) {
            // A valid line as writers write it (JSON.stringify, no escape) must not fall to the slow path.
            expect.fail(`the scanner left a valid written line to the slow path: ${text}`);
          }
        }),
        { seed, numRuns: runsFor(3000) },
      );
      // The generator must reach the fast path often, or the law above says little.
      expect(accepted).toBeGreaterThan(runsFor(3000) / 10);
    });

    it("says a line may hold a credential whenever the secret patterns find one in it", () => {
      let withSecret = 0;
      fc.assert(
        fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
          for (const { text } of lines) {
            if (scanAuditLine(text) === undefined) continue;
            const secret = findSecret(text);
            if (secret === undefined) continue;
            withSecret += 1;
            if (!scanMayHoldSecret()) expect.fail(`the scanner missed ${secret} in ${text}`);
          }
        }),
        { seed, numRuns: runsFor(300) },
      );
      // Scanned lines with a credential must come up, or the law above says nothing.
      expect(withSecret).toBeGreaterThan(runsFor(300) / 10);
    });

    it("reads a log's worth of lines in a row the same way (its caches of times, agents and models)", () => {
      fc.assert(
        fc.property(fc.array(line, { minLength: 2, maxLength: 30 }), (lines) => {
          for (const { text } of lines) {
            const scanned = scanAuditLine(text);
            if (scanned === undefined) continue;
            const slow = slowPath(text);
            expect(slow.ok && slow.line).toEqual(scanned);
          }
        }),
        { seed, numRuns: runsFor(300) },
      );
    });
  },
);
