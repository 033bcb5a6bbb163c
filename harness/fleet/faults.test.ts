import { describe, expect, it } from "vitest";
import { FAULT_KINDS, FaultSchema, formatFaultProblems, parseFaultBindings } from "./faults.ts";

describe("the fault catalogue", () => {
  it("names every fault kind of issue 3", () => {
    expect([...FAULT_KINDS].sort()).toEqual(
      [
        "auth_revoked",
        "connection_refused",
        "content_filter",
        "dribble",
        "empty_response",
        "error_in_200",
        "garbage_then_close",
        "healthy",
        "html_gateway",
        "http_error",
        "latency",
        "malformed_chunk",
        "no_end_marker",
        "reset_before_bytes",
        "slow_ttft",
        "split_frames",
        "stall",
        "stream_cut",
        "stream_error",
        "token_bucket",
      ].sort(),
    );
  });

  it("fills defaults and turns durations into milliseconds", () => {
    const parsed = parseFaultBindings([
      {
        target: "openai",
        fault: { kind: "stall", duration: "30s" },
        when: { from: "1m", until: "1h", times: 2 },
      },
      {
        target: "openai/gpt-4o",
        fault: { kind: "latency", distribution: { type: "lognormal", median: "250ms", sigma: 0.5 } },
      },
      { target: "*", fault: { kind: "token_bucket", limit: 10, per: "1m" } },
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.bindings[0]).toEqual({
      target: "openai",
      fault: { kind: "stall", duration: 30_000, after_tokens: 0 },
      when: { from: 60_000, until: 3_600_000, times: 2 },
    });
    expect(parsed.bindings[1]?.fault).toEqual({
      kind: "latency",
      distribution: { type: "lognormal", median: 250, sigma: 0.5 },
    });
    expect(parsed.bindings[2]?.fault).toEqual({
      kind: "token_bucket",
      limit: 10,
      per: 60_000,
      scope: "model",
    });
  });

  it("rejects an unknown fault name at its path, listing the known ones", () => {
    const parsed = parseFaultBindings([
      { target: "openai", fault: { kind: "http_eror", reason: "rate_limit" } },
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]?.path).toBe("faults.0.fault.kind");
    expect(parsed.problems[0]?.message).toMatch(/http_error/);
  });

  it.each([
    [{ kind: "stream_cut", after_chunks: -1 }, "faults.0.fault.after_chunks"],
    [{ kind: "http_error", reason: "rate_limit", status: 200 }, "faults.0.fault.status"],
    [{ kind: "http_error", reason: "teapot" }, "faults.0.fault.reason"],
    [{ kind: "stall", duration: "forever" }, "faults.0.fault.duration"],
    [{ kind: "html_gateway", status: 500 }, "faults.0.fault.status"],
    [
      { kind: "latency", distribution: { type: "uniform", min: "2s", max: "1s" } },
      "faults.0.fault.distribution.max",
    ],
    [{ kind: "token_bucket", limit: 0, per: "1s" }, "faults.0.fault.limit"],
    [{ kind: "split_frames", max_piece_bytes: 0 }, "faults.0.fault.max_piece_bytes"],
    [{ kind: "dribble", interval: "1s", extra: true }, "faults.0.fault"],
  ])("rejects the out-of-range parameter %j at %s", (fault, path) => {
    const parsed = parseFaultBindings([{ target: "openai", fault }]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.path)).toContain(path);
  });

  it("rejects a schedule whose window ends before it starts, and a probability above one", () => {
    const parsed = parseFaultBindings([
      {
        target: "openai",
        fault: { kind: "empty_response" },
        when: { from: "2m", until: "1m", probability: 1.5 },
      },
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(formatFaultProblems(parsed.problems)).toMatch(/faults\.0\.when\.probability: .*\n?/);
    expect(parsed.problems.map((p) => p.path)).toContain("faults.0.when.probability");
  });

  it("parses a single fault on its own", () => {
    expect(FaultSchema.parse({ kind: "content_filter" })).toEqual({
      kind: "content_filter",
      after_tokens: 0,
    });
  });
});
