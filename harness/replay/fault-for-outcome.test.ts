import { describe, expect, it } from "vitest";
import { FaultSchema } from "../fleet/faults.ts";
import { ORACLE_REASONS } from "../oracle/action-table.ts";
import { faultForFailure, type FailureFacts } from "./fault-for-outcome.ts";

const facts = (over: Partial<FailureFacts>): FailureFacts => ({
  reason: "server_error",
  status: 500,
  retryAfterMs: null,
  midStream: "unknown",
  ...over,
});

describe("faultForFailure", () => {
  it("replays an HTTP failure with its status and Retry-After", () => {
    expect(faultForFailure(facts({ reason: "rate_limit", status: 429, retryAfterMs: 2_500 }))).toEqual({
      kind: "fault",
      fault: { kind: "http_error", reason: "rate_limit", status: 429, retry_after_ms: 2_500 },
      watchdog: false,
    });
  });

  it("lets the engine's own timers end stalls, TTFT timeouts, deadline cuts and cancels", () => {
    for (const reason of ["ttft_timeout", "aborted"])
      expect(faultForFailure(facts({ reason, status: null }))).toMatchObject({
        fault: { kind: "stall" },
        watchdog: true,
      });
    expect(faultForFailure(facts({ reason: "timeout", status: null }))).toMatchObject({
      fault: { kind: "stall" },
      watchdog: true,
    });
    expect(faultForFailure(facts({ reason: "timeout", status: 504 }))).toMatchObject({
      fault: { kind: "http_error", status: 504 },
      watchdog: false,
    });
    expect(faultForFailure(facts({ reason: "stream_stall", status: 200 }))).toMatchObject({
      fault: { kind: "stall", after_tokens: 1 },
      watchdog: true,
    });
  });

  it("sends an in-band error frame where the log has no status, after a token unless the log says before", () => {
    expect(faultForFailure(facts({ reason: "overloaded", status: null }))).toMatchObject({
      fault: { kind: "stream_error", reason: "overloaded", after_tokens: 1 },
    });
    expect(faultForFailure(facts({ reason: "overloaded", status: null, midStream: "no" }))).toMatchObject({
      fault: { kind: "stream_error", after_tokens: 0 },
    });
  });

  it("cuts past the first token only when the log shows a mid-stream failure", () => {
    expect(faultForFailure(facts({ reason: "stream_cut", status: 200, midStream: "yes" }))).toMatchObject({
      fault: { kind: "stream_cut", after_chunks: 6 },
    });
    expect(faultForFailure(facts({ reason: "stream_cut", status: 200 }))).toMatchObject({
      fault: { kind: "stream_cut", after_chunks: 1 },
    });
  });

  it("answers a 200 carrying an error body with error_in_200, and a filtered 200 with the content filter", () => {
    expect(faultForFailure(facts({ reason: "server_error", status: 200 }))).toMatchObject({
      fault: { kind: "error_in_200", reason: "server_error" },
    });
    expect(faultForFailure(facts({ reason: "content_filter", status: 200 }))).toMatchObject({
      fault: { kind: "content_filter", mode: "output" },
    });
    expect(faultForFailure(facts({ reason: "content_filter", status: 400 }))).toMatchObject({
      fault: { kind: "http_error", reason: "content_filter", status: 400 },
    });
  });

  it("says so for reasons no wire can carry", () => {
    for (const reason of ["tls", "dns", "unknown"])
      expect(faultForFailure(facts({ reason, status: null }))).toEqual({ kind: "unreproducible", reason });
  });

  it("gives a valid catalogue fault for every reason, status shape and stream position", () => {
    for (const reason of ORACLE_REASONS) {
      for (const status of [null, 200, 400, 429, 503]) {
        for (const midStream of ["yes", "no", "unknown"] as const) {
          const result = faultForFailure(facts({ reason, status, midStream, retryAfterMs: 1_000 }));
          if (result.kind === "fault")
            expect(
              FaultSchema.safeParse(result.fault).success,
              `${reason} ${String(status)} ${midStream}`,
            ).toBe(true);
          else expect(result).toEqual({ kind: "unreproducible", reason });
        }
      }
    }
  });
});
