import { describe, expect, it } from "vitest";
import { parseFaultBindings, type FaultBindingInput } from "./faults.ts";
import { FaultSchedule, type ScheduleRequest } from "./schedule.ts";

const START = Date.UTC(2026, 0, 1);

function scheduleOf(bindings: FaultBindingInput[], seed = 1): FaultSchedule {
  const parsed = parseFaultBindings(bindings);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return new FaultSchedule(parsed.bindings, seed, START);
}

const request = (atMs: number, modelId = "openai/gpt-4o"): ScheduleRequest => ({
  provider: modelId.slice(0, modelId.indexOf("/")),
  modelId,
  apiKey: "k",
  nowMs: START + atMs,
});

describe("FaultSchedule", () => {
  it("fails N times, then recovers", () => {
    const schedule = scheduleOf([
      { target: "openai", fault: { kind: "empty_response" }, when: { times: 2 } },
    ]);
    const fired = [0, 1, 2, 3].map(() => schedule.select(request(0)).primary?.name ?? null);
    expect(fired).toEqual(["empty_response", "empty_response", null, null]);
  });

  it("pins the n-th arrival: a `healthy` budget spent first lets later arrivals at the same instant fail", () => {
    const schedule = scheduleOf([
      { target: "openai/gpt-4o", fault: { kind: "healthy" }, when: { from: 0, until: 1, times: 2 } },
      {
        target: "openai/gpt-4o",
        fault: { kind: "http_error", reason: "rate_limit" },
        when: { from: 0, until: 1, times: 1 },
      },
    ]);
    const kinds = [0, 0, 0, 0].map(() => schedule.select(request(0)).primary?.fault.kind ?? null);
    expect(kinds).toEqual(["healthy", "healthy", "http_error", null]);
  });

  it("hands out a latency sequence one value per firing, then 0", () => {
    const schedule = scheduleOf([
      {
        target: "openai/gpt-4o",
        fault: { kind: "latency", distribution: { type: "sequence", ms: [120, "2s"] } },
      },
    ]);
    const latencies = [0, 1, 2].map((t) => {
      const [shaper] = schedule.select(request(t)).shapers;
      return shaper?.fault.kind === "latency" && shaper.fault.distribution.type === "fixed"
        ? shaper.fault.distribution.ms
        : null;
    });
    expect(latencies).toEqual([120, 2_000, 0]);
  });

  it("fires only inside its window, measured from the fleet's start", () => {
    const schedule = scheduleOf([
      {
        target: "*",
        fault: { kind: "http_error", reason: "unavailable" },
        when: { from: "10s", until: "20s" },
      },
    ]);
    expect([9_999, 10_000, 19_999, 20_000].map((t) => schedule.select(request(t)).primary !== null)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("binds to a provider, a model id or everything", () => {
    const schedule = scheduleOf([
      { target: "anthropic/claude-haiku-4-5", fault: { kind: "empty_response" } },
    ]);
    expect(schedule.select(request(0, "anthropic/claude-haiku-4-5")).primary).not.toBeNull();
    expect(schedule.select(request(0, "anthropic/claude-opus-4-1")).primary).toBeNull();
  });

  it("draws probabilities from the seed, so the same seed repeats the same pattern", () => {
    const pattern = (seed: number): boolean[] => {
      const schedule = scheduleOf(
        [{ target: "*", fault: { kind: "empty_response" }, when: { probability: 0.5 } }],
        seed,
      );
      return Array.from({ length: 64 }, () => schedule.select(request(0)).primary !== null);
    };
    expect(pattern(11)).toEqual(pattern(11));
    expect(pattern(11)).not.toEqual(pattern(12));
    const hits = pattern(11).filter(Boolean).length;
    expect(hits).toBeGreaterThan(16);
    expect(hits).toBeLessThan(48);
  });

  it("keeps one model's draws independent of another model's traffic", () => {
    const bindings: FaultBindingInput[] = [
      { target: "*", fault: { kind: "empty_response" }, when: { probability: 0.5 } },
    ];
    const alone = scheduleOf(bindings, 5);
    const mixed = scheduleOf(bindings, 5);
    const seen = (s: FaultSchedule, interleave: boolean): boolean[] =>
      Array.from({ length: 32 }, () => {
        if (interleave) s.select(request(0, "openai/gpt-4o-mini"));
        return s.select(request(0)).primary !== null;
      });
    expect(seen(mixed, true)).toEqual(seen(alone, false));
  });

  it("answers an empty token bucket with the exact wait until the next token", () => {
    const schedule = scheduleOf([{ target: "openai", fault: { kind: "token_bucket", limit: 2, per: "1s" } }]);
    expect(schedule.select(request(0)).primary).toBeNull();
    expect(schedule.select(request(0)).primary).toBeNull();
    expect(schedule.select(request(100)).primary?.bucket).toEqual({ limit: 2, retryAfterMs: 400 });
    expect(schedule.select(request(499)).primary?.bucket?.retryAfterMs).toBe(1);
    expect(schedule.select(request(500)).primary).toBeNull();
  });

  it("keeps a bucket per key when asked, shared across that key's models", () => {
    const schedule = scheduleOf([
      { target: "openai", fault: { kind: "token_bucket", limit: 1, per: "1m", scope: "key" } },
    ]);
    expect(schedule.select(request(0, "openai/gpt-4o")).primary).toBeNull();
    expect(schedule.select(request(0, "openai/gpt-4o-mini")).primary?.bucket?.retryAfterMs).toBe(60_000);
  });

  it("revokes auth from its time on", () => {
    const schedule = scheduleOf([{ target: "openai", fault: { kind: "auth_revoked", at: "30s" } }]);
    expect(schedule.select(request(29_999)).primary).toBeNull();
    expect(schedule.select(request(30_000)).primary?.fault.kind).toBe("auth_revoked");
  });

  it("applies every shaper and only the first deciding fault, leaving later budgets untouched", () => {
    const schedule = scheduleOf([
      { target: "*", fault: { kind: "latency", distribution: { type: "fixed", ms: 5 } } },
      { target: "*", fault: { kind: "empty_response" }, when: { times: 1 }, name: "first" },
      { target: "*", fault: { kind: "dribble", interval: 1 } },
      { target: "*", fault: { kind: "reset_before_bytes" }, when: { times: 1 }, name: "second" },
    ]);
    const one = schedule.select(request(0));
    expect(one.shapers.map((s) => s.fault.kind)).toEqual(["latency", "dribble"]);
    expect(one.primary?.name).toBe("first");
    expect(schedule.select(request(0)).primary?.name).toBe("second");
    expect(schedule.select(request(0)).primary).toBeNull();
    expect(schedule.firedCounts).toEqual([3, 1, 3, 1]);
  });
});
