import { describe, expect, it } from "vitest";
import { parseAuditLine, parseIsoMillis } from "./audit-schema.ts";
import { findSecret } from "./secret-patterns.ts";

const attempt = {
  v: 1,
  seq: 1,
  ts: "2025-01-01T00:00:00.000Z",
  event: "fallback_attempt",
  request_id: "r1",
  agent: "build",
  model: "openai/gpt-4.1",
  attempt: 1,
  model_attempt: 1,
};

describe("parseAuditLine (SPEC §8)", () => {
  it("accepts a complete line with x_ extensions", () => {
    expect(parseAuditLine({ ...attempt, x_trace: "t1" }).ok).toBe(true);
  });

  it.each([
    [{ ...attempt, event: "fallback_retry" }, "unknown-event"],
    [{ ...attempt, model_attempt: undefined }, "field-missing"],
    [{ ...attempt, note: "x" }, "field-unknown"],
    [{ ...attempt, v: 2 }, "version-unsupported"],
    [{ ...attempt, ts: "2025-01-01T00:00:00Z" }, "ts-format"],
    [{ ...attempt, ts: "2025-01-01T00:00:00.000+01:00" }, "ts-format"],
    [{ ...attempt, model: "gpt-4.1" }, "field-invalid"],
    [[1, 2], "field-invalid"],
  ])("rejects %j as %s", (value, rule) => {
    const parsed = parseAuditLine(JSON.parse(JSON.stringify(value)));
    expect(parsed.ok ? undefined : parsed.problem.rule).toBe(rule);
  });

  it("requires null rather than an omitted field", () => {
    const failure = {
      ...attempt,
      event: "fallback_failure",
      error_type: "ProviderError",
      reason: "server_error",
      status: null,
      retry_after_ms: null,
      action: "fallback",
      delay_ms: null,
      latency_ms: 3,
    };
    expect(parseAuditLine(failure).ok).toBe(true);
    const { status: _status, ...withoutStatus } = failure;
    expect(parseAuditLine(withoutStatus)).toMatchObject({ ok: false, problem: { rule: "field-missing" } });
  });

  it("rejects impossible dates", () => {
    expect(parseIsoMillis("2025-02-30T00:00:00.000Z")).toBeUndefined();
    expect(parseIsoMillis("2025-02-28T00:00:00.000Z")).toBe(Date.UTC(2025, 1, 28));
  });
});

describe("findSecret", () => {
  it.each([
    ["sk-ant-api03-abcdefghijklmnopqrstu", "an sk- API key"],
    ["Authorization: Bearer abc.def.ghi12345", "a bearer token"],
    ["AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key"],
    ['"api_key": "0123456789abcdef"', "an api key assignment"],
  ])("finds %s", (text, kind) => {
    expect(findSecret(text)).toBe(kind);
  });

  it("leaves ordinary audit lines alone", () => {
    expect(findSecret(JSON.stringify(attempt))).toBeUndefined();
  });
});
