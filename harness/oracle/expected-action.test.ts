import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "./config-defaults.ts";
import type { OracleOverrides } from "./config-types.ts";
import { overlaySettings } from "./config-merge.ts";
import { ORACLE_ACTION_TABLE, ORACLE_REASONS } from "./action-table.ts";
import { retryDelayBounds } from "./backoff-bounds.ts";
import { judgeAction, type FailureFacts } from "./expected-action.ts";

function facts(
  reason: FailureFacts["reason"],
  overrides: OracleOverrides = {},
  extra: Partial<FailureFacts> = {},
): FailureFacts {
  return {
    reason,
    settings: overlaySettings(ORACLE_DEFAULTS, overrides),
    modelAttempt: 1,
    compactionRetries: 0,
    compacted: false,
    retryAfterMs: null,
    elapsedMs: 0,
    ...extra,
  };
}

describe("the oracle's action table", () => {
  it("gives every SPEC §3 reason a type, a default action and a breaker effect", () => {
    expect(ORACLE_REASONS).toHaveLength(24);
    expect(ORACLE_ACTION_TABLE.quota_exhausted).toEqual({
      type: "ProviderRateLimit",
      action: "fallback",
      effect: "trip",
    });
    expect(ORACLE_ACTION_TABLE.context_overflow).toEqual({
      type: "ContextLength",
      action: "compact",
      effect: "none",
    });
    expect(ORACLE_ACTION_TABLE.dns.action).toBe("fail");
  });
});

describe("judgeAction", () => {
  it("retries a transient failure while retries remain, then falls back", () => {
    expect(judgeAction(facts("timeout", {}, { modelAttempt: 3 })).allowed).toEqual(["retry"]);
    expect(judgeAction(facts("timeout", {}, { modelAttempt: 4 })).allowed).toEqual(["fallback"]);
  });

  it("does not count a compaction retry against max_retries", () => {
    expect(judgeAction(facts("timeout", {}, { modelAttempt: 4, compactionRetries: 1 })).allowed).toEqual([
      "retry",
    ]);
  });

  it("fails LogicError and NetworkPermanent, and always fails a caller's abort even when overridden", () => {
    expect(judgeAction(facts("invalid_request")).allowed).toEqual(["fail"]);
    expect(judgeAction(facts("tls")).allowed).toEqual(["fail"]);
    expect(judgeAction(facts("aborted", { actions: { LogicError: "retry" } })).allowed).toEqual(["fail"]);
  });

  it("applies fallback.actions overrides by error type", () => {
    expect(judgeAction(facts("server_error", { actions: { ProviderError: "retry" } })).allowed).toEqual([
      "retry",
    ]);
  });

  it("compacts once per request, or falls back without a hook", () => {
    expect(judgeAction(facts("context_overflow")).allowed).toEqual(["compact", "fallback"]);
    expect(judgeAction(facts("context_overflow", {}, { compacted: true })).allowed).toEqual(["fallback"]);
  });

  it("allows the fallback downgrade only when the longest wait could pass the deadline", () => {
    expect(judgeAction(facts("timeout", {}, { elapsedMs: 599_000 })).allowed).toEqual(["retry", "fallback"]);
    expect(judgeAction(facts("timeout", {}, { elapsedMs: 599_000 })).deadlineFallback).toBe(true);
    expect(
      judgeAction(facts("rate_limit", {}, { retryAfterMs: 30_000, elapsedMs: 590_000 })).allowed,
    ).toEqual(["fallback"]);
  });

  it("makes enabled: false one attempt whose action is fail", () => {
    expect(judgeAction(facts("rate_limit", { enabled: false })).allowed).toEqual(["fail"]);
  });

  it("lets mid_stream: fail end any failure, and a deadline-cut timeout fail", () => {
    expect(judgeAction(facts("server_error", { mid_stream: "fail" })).allowed).toEqual(["fallback", "fail"]);
    const cut = judgeAction(facts("timeout", { deadline_ms: 1000 }, { elapsedMs: 1000 }));
    expect(cut.allowed).toContain("fail");
    expect(cut.deadlineCut).toBe(true);
  });
});

describe("retryDelayBounds", () => {
  it("widens backoff_n by the jitter and never goes below Retry-After", () => {
    const network = ORACLE_DEFAULTS.backoff.network;
    expect(retryDelayBounds(network, 1, null)).toEqual({ min: 800, max: 1200 });
    expect(retryDelayBounds(network, 3, null)).toEqual({ min: 3200, max: 4800 });
    expect(retryDelayBounds(network, 10, null)).toEqual({ min: 24_000, max: 36_000 });
    expect(retryDelayBounds(network, 1, 5000)).toEqual({ min: 5000, max: 5000 });
  });
});
