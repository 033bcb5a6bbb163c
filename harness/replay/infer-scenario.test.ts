import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/index.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { inferScenario, ReplayInputError, type KnownConfig } from "./infer-scenario.ts";
import { AuditLogBuilder, numbered } from "./replay-test-kit.ts";

const PRIMARY = "openai/gpt-4.1";
const BACKUP = "anthropic/claude-sonnet-4-5";

function known(raw: Record<string, unknown>): KnownConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error("test config is invalid");
  return { raw, parsed: parsed.config };
}

const CONFIG = known({ model: PRIMARY, fallback: { chains: { default: [PRIMARY, BACKUP] } } });

/** `count` requests `every` ms apart, each served by the primary. */
function steadyTraffic(log: AuditLogBuilder, count: number, every: number, agent = "build"): void {
  const start = log.now;
  for (let i = 0; i < count; i++) {
    log.now = start + i * every;
    const id = `${agent}-${i}`;
    log.request(id, [PRIMARY, BACKUP], { agent }).attempt(id, PRIMARY).success(id);
  }
}

describe("inferScenario", () => {
  it("writes evenly spaced requests of one kind as one traffic line, and a valid scenario", () => {
    const log = new AuditLogBuilder();
    steadyTraffic(log, 5, 30_000);
    const { scenario, notes } = inferScenario(numbered(log), {
      id: "incident-steady",
      source: "steady.jsonl",
      config: CONFIG,
    });
    expect(scenario.traffic).toEqual([{ agent: "build", at: "0ms", count: 5, every: "30s" }]);
    expect(scenario.expect).toEqual({
      requests: [{ outcome: "success", served_by: PRIMARY, attempts: { min: 1, max: 1 } }],
    });
    expect(notes).toEqual([]);
    expect(scenarioSchema.safeParse(scenario).success).toBe(true);
  });

  it("keeps the arrival order of interleaved agents and names an explicit model", () => {
    const log = new AuditLogBuilder();
    log.request("a", [PRIMARY, BACKUP]).attempt("a", PRIMARY).success("a");
    log.request("b", [BACKUP, PRIMARY], { agent: "plan", primary: BACKUP }).attempt("b", BACKUP).success("b");
    log.advance(1_000).request("c", [PRIMARY, BACKUP]).attempt("c", PRIMARY).success("c");
    const { scenario } = inferScenario(numbered(log), {
      id: "incident-mixed",
      source: "mixed.jsonl",
      config: CONFIG,
    });
    expect(scenario.traffic).toEqual([
      { agent: "build", at: "0ms", count: 1 },
      { agent: "plan", model: BACKUP, at: "0ms", count: 1 },
      { agent: "build", at: "1s", count: 1 },
    ]);
  });

  it("cancels a request the caller aborted, at the time it did", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", [PRIMARY, BACKUP])
      .attempt("r", PRIMARY)
      .advance(3_000)
      .failure("r", "aborted", "fail", { status: null, latency_ms: 3_000 })
      .exhausted("r", "aborted");
    const { scenario } = inferScenario(numbered(log), {
      id: "incident-cancel",
      source: "c.jsonl",
      config: CONFIG,
    });
    expect(scenario.traffic).toEqual([{ agent: "build", at: "0ms", count: 1, cancel_after: "3s" }]);
    expect(scenario.expect).toEqual({
      requests: [{ outcome: "error", exhausted_reason: "aborted", attempts: { min: 1, max: 1 } }],
      audit: {
        present: [
          {
            event: "fallback_failure",
            model: PRIMARY,
            reason: "aborted",
            action: "fail",
            count: { min: 1, max: 1 },
          },
        ],
      },
    });
  });

  it("groups identical expectations under an index list", () => {
    const log = new AuditLogBuilder();
    steadyTraffic(log, 2, 1_000);
    log
      .advance(1_000)
      .request("x", [PRIMARY, BACKUP])
      .attempt("x", PRIMARY)
      .failure("x", "server_error", "fallback", { status: 500 })
      .attempt("x", BACKUP)
      .success("x", { fallback: true });
    const { scenario } = inferScenario(numbered(log), {
      id: "incident-groups",
      source: "g.jsonl",
      config: CONFIG,
    });
    expect(scenario.expect).toEqual({
      requests: [
        { index: [0, 1], outcome: "success", served_by: PRIMARY, attempts: { min: 1, max: 1 } },
        { index: 2, outcome: "success", served_by: BACKUP, attempts: { min: 2, max: 2 } },
      ],
      audit: {
        present: [
          {
            event: "fallback_failure",
            model: PRIMARY,
            reason: "server_error",
            action: "fallback",
            count: { min: 1, max: 1 },
          },
        ],
      },
    });
  });

  it("without a config, reads chains and breaker settings off the log and says where from", () => {
    const log = new AuditLogBuilder();
    log.request("r", [PRIMARY, BACKUP], { agent: "build" }).attempt("r", PRIMARY);
    log.failure("r", "server_error", "fallback", { status: 500 }).transition("r", PRIMARY, "closed", "open", {
      failures: 2,
      cooldownUntil: log.now + 20_000,
      cause: "server_error",
    });
    log.attempt("r", BACKUP).success("r", { fallback: true });
    const { scenario, evidence } = inferScenario(numbered(log), { id: "incident-bare", source: "b.jsonl" });
    expect(scenario.config).toEqual({
      model: PRIMARY,
      agent: { build: { model: PRIMARY, models: [PRIMARY, BACKUP] } },
      fallback: { circuit_breaker: { cooldown_ms: 20_000, failure_threshold: 2 }, promote_on_success: false },
    });
    expect(evidence.join("\n")).toMatch(/cooldown_ms = 20000 \(the shortest of 1 openings\)/);
  });

  it("marks compaction when the engine compacted, and notes requests the log cut short", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", [PRIMARY])
      .attempt("r", PRIMARY)
      .failure("r", "context_overflow", "compact", { status: 400 })
      .attempt("r", PRIMARY);
    const { scenario, notes } = inferScenario(numbered(log), {
      id: "incident-compact",
      source: "k.jsonl",
      config: CONFIG,
    });
    expect(scenario.compaction).toBe(true);
    expect(notes.map((n) => n.message)).toEqual([
      "request r has no terminal line (the log ends first); its outcome is not pinned",
    ]);
  });

  it("refuses a log without a single request", () => {
    const log = new AuditLogBuilder();
    log.raw({
      event: "fallback_attempt",
      request_id: "x",
      agent: "build",
      model: PRIMARY,
      attempt: 1,
      model_attempt: 1,
    });
    expect(() =>
      inferScenario(numbered(log), { id: "incident-empty", source: "e.jsonl", config: CONFIG }),
    ).toThrow(ReplayInputError);
  });
});
