import { describe, expect, it } from "vitest";
import { createTriage } from "./create-triage.ts";
import {
  AuditLogBuilder,
  BACKUP,
  CHAIN,
  PRIMARY,
  incidentLines,
  servedByBackup,
  servedByPrimary,
  triageOf,
  tripThenProbes,
} from "./triage-test-kit.ts";

const MINUTE = 60_000;

describe("createTriage on a clean log", () => {
  it("counts requests and attempts, finds no failure and suggests nothing", () => {
    const findings = triageOf(servedByPrimary(new AuditLogBuilder(), ["a", "b", "c"]));
    expect(findings.totals).toEqual({
      lines: 9,
      requests: 3,
      served: 3,
      servedByFallback: 0,
      endedInError: 0,
      unfinished: 0,
      attempts: 3,
      failures: 0,
      skips: 0,
      transitions: 0,
    });
    expect(findings.models.find((m) => m.model === PRIMARY)).toMatchObject({
      attempts: 3,
      successes: 3,
      failures: 0,
      failureShare: 0,
      longestFailureRun: null,
    });
    expect(findings.errors).toEqual({ total: 0, byReason: [], unrecovered: [], recovered: 0 });
    expect(findings.actions).toEqual([]);
    expect(findings.rules.every((r) => r.fired === 0)).toBe(true);
    expect(findings.rules.length).toBeGreaterThanOrEqual(8);
  });
});

describe("failures and skips per model", () => {
  it("counts failures by reason with their statuses and actions, the share of attempts failing and the longest run", () => {
    const log = new AuditLogBuilder();
    servedByBackup(log, "r1");
    servedByBackup(log.advance(1000), "r2");
    log
      .advance(1000)
      .request("r3", CHAIN)
      .attempt("r3", PRIMARY)
      .failure("r3", "rate_limit", "retry", { status: 429, delay_ms: 2000 });
    log.advance(2000).attempt("r3", PRIMARY).success("r3");
    log
      .advance(1000)
      .request("r4", CHAIN)
      .skip("r4", PRIMARY, "circuit_open")
      .attempt("r4", BACKUP)
      .success("r4");
    const primary = triageOf(log).models.find((m) => m.model === PRIMARY);
    expect(primary).toMatchObject({
      attempts: 4,
      successes: 1,
      failures: 3,
      failureShare: 0.75,
      skippedTotal: 1,
      firstFailureLine: 3,
    });
    expect(primary?.skipped).toEqual({ circuit_open: 1, half_open_busy: 0, invalid: 0, deadline: 0 });
    expect(primary?.byReason).toEqual([
      {
        reason: "server_error",
        count: 2,
        statuses: { "500": 2 },
        actions: { fallback: 2 },
        firstLine: 3,
        lastLine: 8,
      },
      {
        reason: "rate_limit",
        count: 1,
        statuses: { "429": 1 },
        actions: { retry: 1 },
        firstLine: 13,
        lastLine: 13,
      },
    ]);
    expect(primary?.longestFailureRun).toEqual({ count: 3, fromLine: 3, toLine: 13 });
  });
});

describe("requests that ended in errors", () => {
  it("separates errors a later success of the same agent followed from those nothing followed", () => {
    const log = new AuditLogBuilder();
    log
      .request("e1", CHAIN, { agent: "build" })
      .attempt("e1", PRIMARY)
      .failure("e1", "server_error", "fallback", { status: 500 })
      .attempt("e1", BACKUP)
      .failure("e1", "server_error", "fallback", { status: 500 })
      .exhausted("e1", "server_error");
    servedByPrimary(log.advance(1000), ["ok1"], 1000, "build");
    log
      .request("e2", CHAIN, { agent: "plan" })
      .skip("e2", PRIMARY, "circuit_open")
      .skip("e2", BACKUP, "circuit_open")
      .exhausted("e2", "all_open");
    log
      .advance(1000)
      .request("e3", CHAIN, { agent: "plan" })
      .attempt("e3", PRIMARY)
      .failure("e3", "content_filter", "fail", { status: 400 })
      .exhausted("e3", "content_filter");
    const { errors, totals } = triageOf(log);
    expect(totals.endedInError).toBe(3);
    expect(errors.recovered).toBe(1);
    expect(errors.byReason.map((r) => [r.reason, r.count, r.chainCovered])).toEqual([
      ["all_open", 1, 1],
      ["content_filter", 1, 0],
      ["server_error", 1, 1],
    ]);
    expect(errors.unrecovered).toEqual([
      expect.objectContaining({
        agent: "plan",
        count: 2,
        sinceLine: 13,
        sinceTs: "2025-01-01T12:00:02.000Z",
        lastSuccessLine: null,
      }),
    ]);
    expect(
      errors.unrecovered[0]?.examples.map((e) => [e.requestId, e.reason, e.firstLine, e.lastLine]),
    ).toEqual([
      ["e2", "all_open", 10, 13],
      ["e3", "content_filter", 14, 17],
    ]);
  });

  it("ends an OpenCode-style request at a failure with action fail, and absorbs a later exhausted line", () => {
    const log = new AuditLogBuilder();
    log
      .request("o1", CHAIN)
      .attempt("o1", PRIMARY)
      .failure("o1", "invalid_request", "fail", { status: 400 })
      .exhausted("o1", "invalid_request");
    const findings = triageOf(log, { marks: { format: "opencode" } });
    expect(findings.totals).toMatchObject({ endedInError: 1, unfinished: 0 });
    expect(findings.errors.byReason[0]).toMatchObject({ reason: "invalid_request", count: 1 });
    expect(findings.errors.byReason[0]?.examples[0]?.lastLine).toBe(3);
    expect(findings.quality.orphans.count).toBe(0);
  });
});

describe("breaker flapping", () => {
  it("counts open → half_open → open cycles, time not closed, transitions per hour and the cooldown", () => {
    const findings = triageOf(tripThenProbes([false, false, false, true]));
    expect(findings.breakers).toEqual([
      {
        model: PRIMARY,
        transitions: 9,
        opened: 1,
        halfOpened: 4,
        reopened: 3,
        closed: 1,
        notClosedMs: 4 * MINUTE,
        longestSpell: {
          openedLine: 4,
          openedTs: "2025-01-01T12:00:00.000Z",
          closedLine: 31,
          durationMs: 4 * MINUTE,
          reopens: 3,
        },
        firstProbeRecoveries: 0,
        longestFirstProbeRecoveryMs: null,
        closedSpells: 1,
        stateAtEnd: "closed",
        transitionsPerHour: 135,
        observedCooldownMs: MINUTE,
      },
    ]);
  });

  it("keeps a circuit still open at the end open until the log's last line", () => {
    const log = tripThenProbes([false]);
    servedByPrimary(log.advance(30_000), []);
    log.request("late", CHAIN).skip("late", PRIMARY, "circuit_open").attempt("late", BACKUP).success("late");
    const [breaker] = triageOf(log).breakers;
    expect(breaker).toMatchObject({ stateAtEnd: "open", reopened: 1, notClosedMs: MINUTE + 30_000 });
    expect(breaker?.longestSpell).toMatchObject({ closedLine: null, durationMs: MINUTE + 30_000 });
  });

  it("draws the states into the shared time buckets", () => {
    const findings = triageOf(tripThenProbes([false, true]), { bucketCap: 240 });
    const row = findings.timeline.breakers[0];
    const openMs = (row?.openMs ?? []).reduce((n, v) => n + v, 0);
    expect(row?.model).toBe(PRIMARY);
    expect(openMs).toBe(2 * MINUTE);
    expect(findings.timeline.buckets).toBeLessThanOrEqual(240);
    expect(findings.timeline.bucketMs * findings.timeline.buckets).toBeGreaterThanOrEqual(2 * MINUTE);
  });
});

describe("time spent waiting", () => {
  it("sums delay_ms with p50 and p95, per model and per reason; failures without a wait do not count", () => {
    const log = new AuditLogBuilder();
    log
      .request("w", CHAIN)
      .attempt("w", PRIMARY)
      .failure("w", "rate_limit", "retry", { status: 429, delay_ms: 1000 });
    log
      .advance(1000)
      .attempt("w", PRIMARY)
      .failure("w", "rate_limit", "retry", { status: 429, delay_ms: 3000 });
    log
      .advance(3000)
      .attempt("w", PRIMARY)
      .failure("w", "unavailable", "retry", { status: 503, delay_ms: 8000 });
    log.advance(8000).attempt("w", PRIMARY).failure("w", "server_error", "fallback", { status: 500 });
    log.attempt("w", BACKUP).success("w");
    const { waiting } = triageOf(log);
    expect(waiting.total).toEqual({ count: 3, totalMs: 12_000, p50Ms: 3000, p95Ms: 7500, maxMs: 8000 });
    expect(waiting.byModel).toEqual([{ key: PRIMARY, stats: waiting.total }]);
    expect(waiting.byReason.map((r) => [r.key, r.stats.totalMs, r.stats.p50Ms])).toEqual([
      ["unavailable", 8000, 8000],
      ["rate_limit", 4000, 2000],
    ]);
  });
});

describe("time to get back to the primary", () => {
  it("measures from the primary's first failure and from its circuit opening to its next success", () => {
    const findings = triageOf(tripThenProbes([false, true]));
    expect(findings.returnToPrimary).toEqual([
      {
        primary: PRIMARY,
        outages: 1,
        blips: 0,
        first: {
          startLine: 3,
          startTs: "2025-01-01T12:00:00.000Z",
          startReason: "server_error",
          circuitOpenedTs: "2025-01-01T12:00:00.000Z",
          backLine: 18,
          backTs: "2025-01-01T12:02:00.000Z",
          durationMs: 2 * MINUTE,
          sinceOpenMs: 2 * MINUTE,
          servedElsewhere: 2,
          endedInError: 0,
        },
        longest: expect.objectContaining({ durationMs: 2 * MINUTE }),
        ongoing: null,
      },
    ]);
  });

  it("says never when the primary does not serve again before the log ends", () => {
    const findings = triageOf(tripThenProbes([false, false]));
    const [primary] = findings.returnToPrimary;
    expect(primary?.ongoing).toMatchObject({ backLine: null, durationMs: null, servedElsewhere: 3 });
    expect(primary?.outages).toBe(1);
  });

  it("calls a failure the primary got over within the same request a blip, not an outage", () => {
    const log = new AuditLogBuilder();
    log
      .request("b", CHAIN)
      .attempt("b", PRIMARY)
      .failure("b", "rate_limit", "retry", { status: 429, delay_ms: 500 })
      .advance(500)
      .attempt("b", PRIMARY)
      .success("b");
    expect(triageOf(log).returnToPrimary).toEqual([
      { primary: PRIMARY, outages: 0, blips: 1, first: null, longest: null, ongoing: null },
    ]);
  });
});

describe("the worst requests", () => {
  it("ranks by attempts, duration and waiting with request ids and line numbers, at most top-K, leaving out plain requests", () => {
    const log = new AuditLogBuilder();
    servedByPrimary(log, ["quick1", "quick2"]);
    log
      .request("slow", CHAIN)
      .attempt("slow", PRIMARY)
      .failure("slow", "timeout", "retry", { status: 408, delay_ms: 4000 });
    log
      .advance(4000)
      .attempt("slow", PRIMARY)
      .failure("slow", "timeout", "retry", { status: 408, delay_ms: 9000 });
    log.advance(9000).attempt("slow", PRIMARY).success("slow");
    servedByBackup(log.advance(1000), "two");
    const { worst } = triageOf(log, { topK: 2 });
    expect(worst.byAttempts.map((r) => [r.requestId, r.attempts])).toEqual([
      ["slow", 3],
      ["two", 2],
    ]);
    expect(worst.byWaiting[0]).toEqual({
      requestId: "slow",
      agent: "build",
      outcome: "served",
      servedBy: PRIMARY,
      reason: null,
      attempts: 3,
      durationMs: 13_000,
      waitMs: 13_000,
      firstLine: 7,
      lastLine: 13,
    });
    // "two" took no time and the quick ones one attempt and no wait: none of them is worse than plain.
    expect(worst.byDuration.map((r) => r.requestId)).toEqual(["slow"]);
    expect(worst.byWaiting.map((r) => r.requestId)).toEqual(["slow"]);
  });
});

describe("log quality", () => {
  it("reports seq gaps, derived fields, orphans, unfinished requests and the reader's problems with line numbers", () => {
    const log = new AuditLogBuilder();
    servedByPrimary(log, ["a"]);
    log.raw({
      event: "fallback_attempt",
      request_id: "ghost",
      agent: "build",
      model: PRIMARY,
      attempt: 1,
      model_attempt: 1,
    });
    log.request("open", CHAIN).attempt("open", PRIMARY);
    const lines = log.lines();
    // Drop line 5 (the open request's line) to make a seq gap at line 5 of what is left.
    const holed = [...lines.slice(0, 4), ...lines.slice(5)];
    const findings = triageOf(holed, {
      marks: { derived: { 2: ["model_attempt"], 3: ["latency_ms", "model_attempt"] } },
      read: {
        file: "x.jsonl",
        totalLines: 7,
        usedLines: 5,
        format: "spec",
        problems: [
          {
            line: 7,
            severity: "warning",
            kind: "partial-last-line",
            path: "$",
            expected: "a whole JSON line",
            message: "the last line is cut",
          },
        ],
        problemCounts: { "partial-last-line": 1 },
      },
    });
    const q = findings.quality;
    expect(q.seqGaps).toEqual({
      count: 1,
      missing: 1,
      examples: [{ line: 5, detail: "seq 6 follows 4: 1 line(s) missing" }],
    });
    expect(q.derivedFields).toEqual([
      { field: "model_attempt", count: 2, firstLine: 2 },
      { field: "latency_ms", count: 1, firstLine: 3 },
    ]);
    expect(q.orphans).toEqual({
      count: 2,
      examples: [
        { line: 4, detail: "fallback_attempt of ghost without its fallback_request" },
        { line: 5, detail: "fallback_attempt of open without its fallback_request" },
      ],
    });
    expect(q.unfinished.count).toBe(2);
    expect(q.problems).toHaveLength(1);
    expect(q.problemCounts).toEqual({ "partial-last-line": 1 });
    expect(findings.actions.map((a) => a.id)).toEqual(["keep-audit-log"]);
  });

  it("does not take a breaker line written after its request's terminal line for an orphan", () => {
    const log = tripThenProbes([]);
    log.transition("r0", PRIMARY, "open", "half_open", {
      failures: 3,
      cooldownUntil: null,
      cause: "cooldown_elapsed",
    });
    const findings = triageOf(log);
    expect(findings.quality.orphans.count).toBe(0);
    expect(findings.totals).toMatchObject({ requests: 1, unfinished: 0, transitions: 2 });
  });

  it("tolerates times out of order: the span covers the extremes and the line is reported", () => {
    const log = new AuditLogBuilder();
    servedByPrimary(log, ["a"], 10_000);
    log.advance(-20_000);
    servedByPrimary(log, ["b"]);
    const findings = triageOf(log);
    expect(findings.span).toEqual({
      from: "2025-01-01T11:59:50.000Z",
      to: "2025-01-01T12:00:00.000Z",
      durationMs: 10_000,
    });
    expect(findings.quality.tsOutOfOrder.count).toBe(3);
    expect(findings.quality.tsOutOfOrder.examples[0]?.line).toBe(4);
    expect(findings.totals.served).toBe(2);
  });

  it("evicts open requests past the cap and counts them instead of growing", () => {
    const log = new AuditLogBuilder();
    for (let i = 0; i < 50; i += 1) log.request(`r${i}`, CHAIN).attempt(`r${i}`, PRIMARY);
    const findings = triageOf(log, { openRequestCap: 10 });
    expect(findings.quality.evicted).toBe(40);
    expect(findings.quality.unfinished.count).toBe(10);
  });
});

describe("createTriage's life cycle", () => {
  it("refuses lines after finish, so a finished report never changes", () => {
    const triage = createTriage();
    const [line] = incidentLines(servedByPrimary(new AuditLogBuilder(), ["a"]).lines());
    triage.finish();
    expect(() => triage.feed(line as never)).toThrow(/Failed to feed the triage: it is finished/);
  });
});
