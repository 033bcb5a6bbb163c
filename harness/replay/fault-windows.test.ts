import { describe, expect, it } from "vitest";
import { FaultBindingSchema } from "../fleet/faults.ts";
import { faultWindows } from "./fault-windows.ts";
import { shapeIncident } from "./incident-calls.ts";
import { AuditLogBuilder, numbered } from "./replay-test-kit.ts";

const PRIMARY = "openai/gpt-4.1";
const BACKUP = "anthropic/claude-sonnet-4-5";
const unknown = () => "unknown" as const;

/** One request per entry at its time: the primary fails (503, fallback) or serves. */
function outageLog(plan: readonly { at: number; fails: boolean; latency?: number }[]): AuditLogBuilder {
  const log = new AuditLogBuilder();
  const start = log.now;
  plan.forEach(({ at, fails, latency }, i) => {
    log.now = start + at;
    const id = `r${i}`;
    log.request(id, [PRIMARY, BACKUP]).attempt(id, PRIMARY);
    if (fails)
      log
        .failure(id, "server_error", "fallback", { status: 500 })
        .attempt(id, BACKUP)
        .success(id, { fallback: true });
    else log.success(id, { latency_ms: latency ?? 0 });
  });
  return log;
}

function primaryWindows(log: AuditLogBuilder) {
  const calls = shapeIncident(numbered(log)).callsByModel.get(PRIMARY) ?? [];
  return faultWindows(PRIMARY, calls, unknown);
}

describe("faultWindows", () => {
  it("turns an outage into one window, its edges halfway to the calls that succeeded", () => {
    const { bindings, notes } = primaryWindows(
      outageLog([
        { at: 0, fails: false },
        { at: 1_000, fails: true },
        { at: 2_000, fails: true },
        { at: 5_000, fails: false },
      ]),
    );
    expect(bindings).toEqual([
      {
        target: PRIMARY,
        fault: { kind: "http_error", reason: "server_error", status: 500 },
        when: { from: "500ms", until: "3s500ms" },
      },
    ]);
    expect(notes).toEqual([]);
    for (const binding of bindings) expect(FaultBindingSchema.safeParse(binding).success).toBe(true);
  });

  it("leaves a window open when the model never recovered in the log", () => {
    const { bindings } = primaryWindows(
      outageLog([
        { at: 0, fails: true },
        { at: 3_000, fails: true },
      ]),
    );
    expect(bindings).toEqual([
      { target: PRIMARY, fault: { kind: "http_error", reason: "server_error", status: 500 }, when: {} },
    ]);
  });

  it("pins calls of different fates in the same millisecond with budgets, in arrival order", () => {
    const { bindings } = primaryWindows(
      outageLog([
        { at: 0, fails: false },
        { at: 0, fails: false },
        { at: 0, fails: true },
        { at: 4_000, fails: false },
      ]),
    );
    expect(bindings).toEqual([
      { target: PRIMARY, fault: { kind: "healthy" }, when: { until: "1ms", times: 2 } },
      {
        target: PRIMARY,
        fault: { kind: "http_error", reason: "server_error", status: 500 },
        when: { until: "2s", times: 1 },
      },
    ]);
  });

  it("pins recorded latencies, one value per call in order", () => {
    const { bindings } = primaryWindows(
      outageLog([
        { at: 0, fails: false, latency: 800 },
        { at: 2_000, fails: false, latency: 0 },
        { at: 4_000, fails: false, latency: 1_250 },
      ]),
    );
    expect(bindings).toEqual([
      {
        target: PRIMARY,
        name: "recorded-latency",
        fault: { kind: "latency", distribution: { type: "sequence", ms: [800, 0, 1_250] } },
      },
    ]);
  });

  it("notes a failure no wire can carry and lets the replayed call succeed", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", [PRIMARY])
      .attempt("r", PRIMARY)
      .failure("r", "tls", "fail", { status: null })
      .exhausted("r", "tls");
    const { bindings, notes } = primaryWindows(log);
    expect(bindings).toEqual([]);
    expect(notes).toEqual([
      {
        line: 3,
        message: `${PRIMARY}: no fault on the wire gives reason "tls"; the replayed call succeeds instead`,
      },
    ]);
  });
});
