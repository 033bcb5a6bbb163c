import { describe, expect, it } from "vitest";
import {
  checkGroundTruth,
  expectedRetryAfter,
  numberAuditLines,
  type GroundTruthInput,
  type TruthCall,
} from "./ground-truth.ts";

/** SPEC §10.2: the audit judged against what the fleet really sent, never against the engine's own word. */

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();
const NONE = { ms_header: null, header: null, retry_info: null, text: null };

let seq = 0;
function line(event: string, fields: Record<string, unknown>): string {
  seq += 1;
  return JSON.stringify({ v: 1, seq, ts: iso(T0), event, request_id: "req-1", agent: "build", ...fields });
}

const request = (): string =>
  line("fallback_request", {
    chain: ["openai/gpt-4.1", "anthropic/claude-sonnet-4-5"],
    primary: "openai/gpt-4.1",
  });
const attempt = (n: number, model = "openai/gpt-4.1", extra: Record<string, unknown> = {}): string =>
  line("fallback_attempt", { model, attempt: n, model_attempt: n, ...extra });
const failure = (n: number, fields: Record<string, unknown>, model = "openai/gpt-4.1"): string =>
  line("fallback_failure", {
    model,
    attempt: n,
    model_attempt: n,
    error_type: "ProviderRateLimit",
    reason: "rate_limit",
    status: 429,
    retry_after_ms: null,
    action: "retry",
    delay_ms: 2000,
    latency_ms: 0,
    ...fields,
  });
const success = (n: number, model = "openai/gpt-4.1"): string =>
  line("fallback_success", { model, attempt: n, latency_ms: 0, fallback: false });
const exhausted = (attempts: number, reason: string): string =>
  line("fallback_exhausted", { attempts, error_type: "ProviderError", reason });

const call = (id: string, fields: Partial<TruthCall> = {}): TruthCall => ({
  id,
  at: T0,
  model: "openai/gpt-4.1",
  status: 429,
  outcome: "error",
  reason: "rate_limit",
  retry_after: NONE,
  ...fields,
});

function judge(
  lines: readonly string[],
  calls: readonly TruthCall[],
  extra: Partial<GroundTruthInput> = {},
): { rule: string; line: number; message: string }[] {
  return checkGroundTruth({
    audit: numberAuditLines(`${lines.join("\n")}\n`),
    calls,
    requestCount: 1,
    prompts: [],
    secrets: ["fleet-openai-key"],
    retryAfterCapMs: () => 60_000,
    ...extra,
  }).map(({ rule, line: n, message }) => ({ rule, line: n, message }));
}

describe("reading the Retry-After the fleet sent (SPEC §3 order)", () => {
  it("takes retry-after-ms before retry-after, RetryInfo and the text", () => {
    expect(
      expectedRetryAfter(
        { ms_header: "3500", header: "1", retry_info: "9s", text: "try again in 7s" },
        T0,
        T0,
      ),
    ).toMatchObject({ min: 3500, max: 3500 });
  });

  it("reads retry-after as seconds, or as a date relative to when the engine read it", () => {
    expect(expectedRetryAfter({ ...NONE, header: "5" }, T0, T0)).toMatchObject({ min: 5000, max: 5000 });
    expect(
      expectedRetryAfter({ ...NONE, header: new Date(T0 + 7000).toUTCString() }, T0, T0 + 250),
    ).toMatchObject({ min: 6750, max: 7000 });
  });

  it("skips an unparseable header for the next form, then RetryInfo, then the message text", () => {
    expect(expectedRetryAfter({ ...NONE, ms_header: "soon", retry_info: "34.4s" }, T0, T0)).toMatchObject({
      min: 34400,
      max: 34400,
    });
    expect(expectedRetryAfter({ ...NONE, text: "try again in 18.403s" }, T0, T0)).toMatchObject({
      min: 18403,
      max: 18403,
    });
    expect(expectedRetryAfter({ ...NONE, text: "retry after 7 seconds" }, T0, T0)).toMatchObject({
      min: 7000,
      max: 7000,
    });
    expect(expectedRetryAfter(NONE, T0, T0)).toBeNull();
  });
});

describe("each audited failure agrees with what the fleet injected", () => {
  const date = new Date(T0 + 7000).toUTCString();

  it("flags an engine that ignored an HTTP-date Retry-After", () => {
    const lines = [request(), attempt(1), failure(1, { retry_after_ms: null }), attempt(2), success(2)];
    const calls = [
      call("f1", { retry_after: { ...NONE, header: date } }),
      call("f2", { status: 200, outcome: "ok", reason: null }),
    ];
    expect(judge(lines, calls)).toEqual([
      {
        rule: "truth-retry-after-mismatch",
        line: 3,
        message: expect.stringContaining(`retry-after: ${date}`) as string,
      },
    ]);
  });

  it("accepts the date read as a wait, and a Retry-After the fleet really sent", () => {
    const lines = [
      request(),
      attempt(1),
      failure(1, { retry_after_ms: 7000, delay_ms: 7000 }),
      attempt(2),
      success(2),
    ];
    const calls = [
      call("f1", { retry_after: { ...NONE, header: date } }),
      call("f2", { status: 200, outcome: "ok", reason: null }),
    ];
    expect(judge(lines, calls)).toEqual([]);
  });

  it("flags a retry_after_ms the fleet never sent in any form", () => {
    const lines = [request(), attempt(1), failure(1, { retry_after_ms: 5000 }), attempt(2), success(2)];
    expect(
      judge(lines, [call("f1"), call("f2", { status: 200, outcome: "ok", reason: null })]).map((v) => v.rule),
    ).toEqual(["truth-retry-after-mismatch"]);
  });

  it("flags a reason and a status that differ from the injected fault", () => {
    const lines = [
      request(),
      attempt(1),
      failure(1, {
        error_type: "ProviderError",
        reason: "server_error",
        status: 500,
        action: "fallback",
        delay_ms: null,
      }),
      attempt(1, "anthropic/claude-sonnet-4-5"),
      success(1, "anthropic/claude-sonnet-4-5"),
    ];
    const calls = [
      call("f1"),
      call("f2", { model: "anthropic/claude-sonnet-4-5", status: 200, outcome: "ok", reason: null }),
    ];
    expect(judge(lines, calls).map((v) => v.rule)).toEqual([
      "truth-reason-mismatch",
      "truth-status-mismatch",
    ]);
  });

  it("expects quota_exhausted for a Retry-After above the cap (SPEC §4)", () => {
    const sent = { ...NONE, header: "3600" };
    const quota = [
      request(),
      attempt(1),
      failure(1, {
        reason: "quota_exhausted",
        retry_after_ms: 3_600_000,
        action: "fallback",
        delay_ms: null,
      }),
      exhausted(1, "quota_exhausted"),
    ];
    expect(judge(quota, [call("f1", { retry_after: sent })]).map((v) => v.rule)).not.toContain(
      "truth-reason-mismatch",
    );
    seq = 0;
    const rate = [request(), attempt(1), failure(1, { retry_after_ms: 3_600_000 })];
    expect(judge(rate, [call("f1", { retry_after: sent })]).map((v) => v.rule)).toContain(
      "truth-reason-mismatch",
    );
  });

  it("accepts the engine's own timeout on a call it left before the answer settled, and no other", () => {
    const stall = { reason: "ttft_timeout", error_type: "NetworkTransient", status: null };
    const calls = (outcome: string): TruthCall[] => [
      call("f1", { status: 200, outcome, reason: null }),
      call("f2", { status: 200, outcome: "ok", reason: null }),
    ];
    const lines = [request(), attempt(1), failure(1, stall), attempt(2), success(2)];
    expect(judge(lines, calls("aborted"))).toEqual([]);
    expect(judge(lines, calls("ok")).map((v) => v.rule)).toEqual(["truth-reason-mismatch"]);
  });

  it("attributes by the fleet's request id when a line carries it, over arrival order", () => {
    const lines = [
      request(),
      attempt(1, "openai/gpt-4.1", { x_provider_request_id: "f2" }),
      failure(1, {
        reason: "server_error",
        status: 500,
        error_type: "ProviderError",
        action: "fallback",
        delay_ms: null,
      }),
      exhausted(1, "server_error"),
    ];
    const calls = [call("f1"), call("f2", { at: T0 + 5, status: 500, reason: "server_error" })];
    expect(judge(lines, calls)).toEqual([]);
  });

  it("accepts either of two calls of one model that arrived at the same instant", () => {
    const lines = [
      request(),
      attempt(1),
      failure(1, {
        reason: "server_error",
        status: 500,
        error_type: "ProviderError",
        action: "fallback",
        delay_ms: null,
      }),
      exhausted(1, "server_error"),
    ];
    const calls = [call("f1"), call("f2", { status: 500, reason: "server_error" })];
    expect(judge(lines, calls)).toEqual([]);
  });
});

describe("no credential and no prompt in the log", () => {
  it("flags a fleet key and a prompt wherever they sit in a line", () => {
    const prompt = "Summarise the incident report for the on-call team.";
    const lines = [
      request(),
      attempt(1, "openai/gpt-4.1", { x_auth: "Bearer fleet-openai-key" }),
      success(1),
      `not json ${prompt}`,
    ];
    const violations = judge(lines, [call("f1", { status: 200, outcome: "ok", reason: null })], {
      prompts: [prompt],
    });
    expect(violations.map((v) => [v.rule, v.line])).toEqual([
      ["fleet-key-in-log", 2],
      ["prompt-in-log", 4],
    ]);
    expect(violations[0]?.message).not.toContain("fleet-openai-key");
  });

  it("ignores a prompt too short to be told from ordinary text", () => {
    const lines = [request(), attempt(1, "openai/gpt-4.1", { x_note: "Say hi" }), success(1)];
    expect(
      judge(lines, [call("f1", { status: 200, outcome: "ok", reason: null })], { prompts: ["Say hi"] }),
    ).toEqual([]);
  });
});

describe("every request sent has a fallback_request and one terminal line", () => {
  it("flags a request the audit never started", () => {
    const lines = [request(), attempt(1), success(1)];
    const violations = judge(lines, [call("f1", { status: 200, outcome: "ok", reason: null })], {
      requestCount: 2,
    });
    expect(violations.map((v) => v.rule)).toEqual(["request-unaudited"]);
    expect(violations[0]?.message).toContain("request #1");
  });

  it("flags a request with two terminal lines, and one with none", () => {
    const ok = call("f1", { status: 200, outcome: "ok", reason: null });
    expect(judge([request(), attempt(1), success(1), success(1)], [ok]).map((v) => [v.rule, v.line])).toEqual(
      [["request-terminal-count", 4]],
    );
    expect(judge([request(), attempt(1)], [ok]).map((v) => v.rule)).toEqual(["request-terminal-count"]);
  });

  it("asks nothing of an engine that writes no audit line", () => {
    expect(
      judge([], [call("f1", { status: 200, outcome: "ok", reason: null })], { requestCount: 3 }),
    ).toEqual([]);
  });
});
