import { describe, expect, it } from "vitest";
import type { Classification } from "../classify/taxonomy.ts";
import { DEFAULT_SETTINGS, type FallbackSettings } from "../config/settings.ts";
import type { Random } from "../core/random.ts";
import { configuredAction, decideAction, type ActionContext } from "./decide-action.ts";

const half: Random = { next: () => 0.5 };
const noJitter: FallbackSettings = {
  ...DEFAULT_SETTINGS,
  max_retries: 2,
  backoff: {
    network: { base_ms: 1000, factor: 2, max_ms: 30_000, jitter: 0 },
    rate_limit: { base_ms: 2000, factor: 2, max_ms: 60_000, jitter: 0 },
  },
};

function failure(
  reason: Classification["reason"],
  type: Classification["type"],
  retryAfterMs: number | null = null,
): Classification {
  return { type, reason, status: null, retry_after_ms: retryAfterMs, provider_code: null, message: "" };
}

const timeout = failure("timeout", "NetworkTransient");

function ctx(over: Partial<ActionContext> = {}): ActionContext {
  return {
    classification: timeout,
    settings: noJitter,
    modelAttempt: 1,
    compactionRetries: 0,
    canCompact: false,
    afterFirstToken: false,
    remainingMs: 600_000,
    random: half,
    ...over,
  };
}

describe("decideAction", () => {
  it("retries a retryable class after the backoff for its retry number", () => {
    expect(decideAction(ctx())).toEqual({ action: "retry", delayMs: 1000 });
    expect(decideAction(ctx({ modelAttempt: 2 }))).toEqual({ action: "retry", delayMs: 2000 });
  });

  it("retries while model_attempt ≤ max_retries and moves on after", () => {
    expect(decideAction(ctx({ modelAttempt: 2 })).action).toBe("retry");
    expect(decideAction(ctx({ modelAttempt: 3 }))).toEqual({ action: "fallback", delayMs: null });
  });

  it("does not count attempts after a compaction toward max_retries", () => {
    expect(decideAction(ctx({ modelAttempt: 3, compactionRetries: 1 })).action).toBe("retry");
  });

  it("uses the rate-limit policy for ProviderRateLimit and waits at least the Retry-After", () => {
    expect(decideAction(ctx({ classification: failure("rate_limit", "ProviderRateLimit") }))).toEqual({
      action: "retry",
      delayMs: 2000,
    });
    expect(decideAction(ctx({ classification: failure("rate_limit", "ProviderRateLimit", 7000) }))).toEqual({
      action: "retry",
      delayMs: 7000,
    });
  });

  it("does not take a wait that reaches the deadline", () => {
    expect(decideAction(ctx({ remainingMs: 1001 }))).toEqual({ action: "retry", delayMs: 1000 });
    expect(decideAction(ctx({ remainingMs: 1000 }))).toEqual({
      action: "fallback",
      delayMs: null,
      deadlineLimited: true,
    });
  });

  it("ends the request on a failure after the first token under mid_stream: fail, and not under restart", () => {
    expect(
      decideAction(ctx({ afterFirstToken: true, settings: { ...noJitter, mid_stream: "fail" } })),
    ).toEqual({ action: "fail", delayMs: null });
    expect(
      decideAction(ctx({ afterFirstToken: true, settings: { ...noJitter, mid_stream: "restart" } })).action,
    ).toBe("retry");
  });

  it("compacts a context overflow once when it can, and otherwise falls back", () => {
    const overflow = failure("context_overflow", "ContextLength");
    expect(decideAction(ctx({ classification: overflow, canCompact: true }))).toEqual({
      action: "compact",
      delayMs: null,
    });
    expect(decideAction(ctx({ classification: overflow, canCompact: false }))).toEqual({
      action: "fallback",
      delayMs: null,
    });
  });

  it("falls back and fails without waiting for the classes that do", () => {
    expect(decideAction(ctx({ classification: failure("server_error", "ProviderError") }))).toEqual({
      action: "fallback",
      delayMs: null,
    });
    expect(decideAction(ctx({ classification: failure("invalid_request", "LogicError") }))).toEqual({
      action: "fail",
      delayMs: null,
    });
  });

  it("lets fallback.actions override a class's default action", () => {
    const settings = { ...noJitter, actions: { NetworkTransient: "fail" as const } };
    expect(configuredAction(timeout, settings)).toBe("fail");
    expect(configuredAction(timeout, noJitter)).toBe("retry");
    expect(decideAction(ctx({ settings }))).toEqual({ action: "fail", delayMs: null });
  });
});
