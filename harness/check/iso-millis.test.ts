import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIsoMillis } from "../oracle/audit-schema.ts";
import { isoMillis } from "./iso-millis.ts";

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Times near the form: every field over its range and a little past it, sometimes with one character changed. */
const nearIso = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2025, 2100)),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 999 }),
    fc.option(fc.tuple(fc.nat(23), fc.constantFrom("0", "9", "-", ":", "T", "Z", " ", "x", "٣")), {
      nil: undefined,
    }),
  )
  .map(([y, mo, d, h, mi, s, ms, change]) => {
    const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
    return change === undefined ? text : text.slice(0, change[0]) + change[1] + text.slice(change[0] + 1);
  });

describe("isoMillis", () => {
  it("reads exactly what the oracle's parseIsoMillis reads", () => {
    fc.assert(
      fc.property(
        fc.oneof(nearIso, fc.string(), fc.constantFrom<unknown>(null, 5, undefined, {})),
        (value) => {
          expect(isoMillis(value)).toBe(parseIsoMillis(value));
        },
      ),
      { seed: 42, numRuns: 10_000 },
    );
  });

  it("reads a time right after one in the same second (its shortcut) exactly as the oracle does", () => {
    fc.assert(
      fc.property(
        nearIso,
        fc.string({ minLength: 4, maxLength: 4 }),
        fc.constantFrom("", "000Z", "999Z", "5", "0a0Z", "12Z", "1234"),
        (first, tail, fixed) => {
          // The same first 20 characters, then a random or a chosen end: the shortcut may take it.
          const second = first.slice(0, 20) + (fixed === "" ? tail : fixed);
          expect(isoMillis(first)).toBe(parseIsoMillis(first));
          expect([second, isoMillis(second)]).toEqual([second, parseIsoMillis(second)]);
        },
      ),
      { seed: 43, numRuns: 10_000 },
    );
  });

  it("knows leap days, month lengths and the last moment of a day", () => {
    for (const text of [
      "2024-02-29T00:00:00.000Z",
      "2025-02-29T00:00:00.000Z",
      "2000-02-29T12:00:00.000Z",
      "1900-02-29T12:00:00.000Z",
      "2025-04-31T00:00:00.000Z",
      "2025-12-31T23:59:59.999Z",
      "2025-01-01T24:00:00.000Z",
      "0099-01-01T00:00:00.000Z",
    ])
      expect([text, isoMillis(text)]).toEqual([text, parseIsoMillis(text)]);
  });
});
