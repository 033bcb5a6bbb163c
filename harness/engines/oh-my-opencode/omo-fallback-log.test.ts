import { describe, expect, it } from "vitest";
import { fallbackVerdict, recoveryMayFollow } from "./omo-fallback-log.ts";

/** A runtime_fallback log line as oh-my-opencode 4.19.4 writes it (`[time] message {data}`). */
const line = (at: string, message: string, data: Record<string, unknown>): string =>
  `[2026-12-04T04:03:${at}Z] [runtime-fallback] ${message} ${JSON.stringify(data)}`;

const since = Date.parse("2026-12-04T04:03:20.000Z");

describe("fallbackVerdict", () => {
  it("reads a non-retryable error as no fallback", () => {
    const log = [
      line("20.100", "message.updated with assistant error", { sessionID: "ses_a", statusCode: 400 }),
      line("20.101", "message.updated error not retryable, skipping fallback", {
        sessionID: "ses_a",
        statusCode: 400,
      }),
      line("20.150", "session.error received", { sessionID: "ses_a", statusCode: 400 }),
      line("20.151", "Error not retryable, skipping fallback", { sessionID: "ses_a", retryable: false }),
    ].join("\n");
    expect(fallbackVerdict(log, "ses_a", since)).toBe("no-fallback");
  });

  it("reads an exhausted chain as no fallback", () => {
    const log = [
      line("21.000", "session.error received", { sessionID: "ses_a", statusCode: 503 }),
      line("21.001", "Max fallback attempts reached", { sessionID: "ses_a", attempts: 3 }),
      line("21.002", "Fallback preparation failed", {
        sessionID: "ses_a",
        source: "session.error",
        error: "Max fallback attempts reached",
      }),
    ].join("\n");
    expect(fallbackVerdict(log, "ses_a", since)).toBe("no-fallback");
  });

  it("reads a prepared fallback as falling back, and a seen error without a decision as deciding", () => {
    const seen = line("20.100", "message.updated with assistant error", {
      sessionID: "ses_a",
      statusCode: 503,
    });
    const prepared = line("20.200", "Preparing fallback", {
      sessionID: "ses_a",
      from: "openai/gpt-4.1",
      to: "anthropic/claude-sonnet-4-5",
      attempt: 1,
    });
    expect(fallbackVerdict(seen, "ses_a", since)).toBe("deciding");
    expect(fallbackVerdict([seen, prepared].join("\n"), "ses_a", since)).toBe("falling-back");
    const refused = line("20.300", "Fallback dispatch was not accepted", {
      sessionID: "ses_a",
      status: "blocked",
    });
    expect(fallbackVerdict([seen, prepared, refused].join("\n"), "ses_a", since)).toBe("deciding");
  });

  it("ignores other sessions, lines before the message, other hooks and lines that only look alike", () => {
    const log = [
      line("19.900", "Error not retryable, skipping fallback", { sessionID: "ses_a" }),
      line("20.100", "Error not retryable, skipping fallback", { sessionID: "ses_b" }),
      line("20.200", "Retry already in flight, skipping (session.error)", { sessionID: "ses_a" }),
      line("20.300", "Session created with model", { sessionID: "ses_a", model: "openai/gpt-4.1" }),
      `[2026-12-04T04:03:20.400Z] [todo-continuation] Error not retryable, skipping fallback {"sessionID":"ses_a"}`,
      "not a log line",
      "",
    ].join("\n");
    expect(fallbackVerdict(log, "ses_a", since)).toBe("silent");
    expect(fallbackVerdict("", "ses_a", since)).toBe("silent");
  });
});

describe("recoveryMayFollow", () => {
  it("is true for a context overflow (OpenCode's error, or a token-limit text), which oh-my-opencode summarizes", () => {
    expect(recoveryMayFollow({ name: "ContextOverflowError", data: { message: "Session too large" } })).toBe(
      true,
    );
    const overflow =
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.";
    expect(recoveryMayFollow({ name: "APIError", data: { message: overflow, statusCode: 400 } })).toBe(true);
  });

  it("is false for a refusal or a server error", () => {
    const refusal =
      "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.";
    expect(recoveryMayFollow({ name: "APIError", data: { message: refusal, statusCode: 400 } })).toBe(false);
    expect(
      recoveryMayFollow({ name: "APIError", data: { message: "Internal server error", statusCode: 500 } }),
    ).toBe(false);
    expect(recoveryMayFollow(undefined)).toBe(false);
  });
});
