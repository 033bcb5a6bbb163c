import { describe, expect, it } from "vitest";
import { parseIncidentTime, toAuditTime } from "./incident-time.ts";

const NOON = Date.UTC(2025, 0, 1, 12, 0, 0, 0);

describe("parseIncidentTime", () => {
  it.each([
    ["2025-01-01T12:00:00.000Z", NOON],
    ["2025-01-01T12:00:00Z", NOON],
    ["2025-01-01T12:00Z", NOON],
    ["2025-01-01 12:00:00.5", NOON + 500],
    ["2025-01-01T12:00:00.123456789Z", NOON + 123],
    ["2025-01-01T13:00:00+01:00", NOON],
    ["2025-01-01T07:30:00-0430", NOON],
    ["2025-01-01T12:00:00", NOON],
  ])("reads the ISO time %s (no offset means UTC)", (text, expected) => {
    expect(parseIncidentTime(text)).toBe(expected);
  });

  it("reads epoch milliseconds and epoch seconds, as numbers or digit strings", () => {
    expect(parseIncidentTime(NOON)).toBe(NOON);
    expect(parseIncidentTime(NOON / 1000)).toBe(NOON);
    expect(parseIncidentTime(NOON / 1000 + 0.25)).toBe(NOON + 250);
    expect(parseIncidentTime(String(NOON))).toBe(NOON);
    expect(parseIncidentTime("1735732800")).toBe(NOON);
  });

  it.each([
    ["2025-02-30T12:00:00Z"],
    ["2025-01-01T25:00:00Z"],
    ["yesterday"],
    [""],
    [-5],
    [Number.NaN],
    [true],
    [null],
    [{}],
  ])("rejects %j", (value) => {
    expect(parseIncidentTime(value)).toBeUndefined();
  });

  it("prints SPEC §8's form: ISO-8601 UTC with milliseconds", () => {
    expect(toAuditTime(NOON + 7)).toBe("2025-01-01T12:00:00.007Z");
  });
});
