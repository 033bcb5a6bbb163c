import { describe, expect, it } from "vitest";
import type { OracleReason } from "../oracle/action-table.ts";
import { ORACLE_DEFAULTS } from "../oracle/config-defaults.ts";
import { overlaySettings } from "../oracle/config-merge.ts";
import type { OracleOverrides } from "../oracle/config-types.ts";
import { compareDecisions, EXACT, type CompareOptions, type Tolerance } from "./compare-decisions.ts";
import { decisionsOf } from "./decisions.ts";
import { AuditLogBuilder, numbered } from "./replay-test-kit.ts";

const PRIMARY = "openai/gpt-4.1";
const BACKUP = "anthropic/claude-sonnet-4-5";

/** Compare options: SPEC §2's defaults with `overrides` for every agent. */
function under(tolerance: Tolerance, overrides: OracleOverrides = {}): CompareOptions {
  const settings = overlaySettings(ORACLE_DEFAULTS, overrides);
  return { tolerance, settingsFor: () => settings };
}

interface Retried {
  readonly id?: string;
  readonly start?: number;
  readonly reason?: OracleReason;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** How long the log shows between the failure and the retry (default: the announced wait). */
  readonly tookMs?: number;
  readonly latencyMs?: number;
}

/** One request: the primary fails (429 unless told) and the engine retries after `waitMs`, or falls back when null. */
function failedOnce(waitMs: number | null, options: Retried = {}): AuditLogBuilder {
  const log = new AuditLogBuilder(options.start);
  const id = options.id ?? "req-1";
  const reason = options.reason ?? "rate_limit";
  const failure = { status: options.status ?? 429, retry_after_ms: options.retryAfterMs ?? null };
  log.request(id, [PRIMARY, BACKUP]).attempt(id, PRIMARY);
  if (waitMs === null) {
    log
      .failure(id, reason, "fallback", { ...failure, delay_ms: null })
      .attempt(id, BACKUP)
      .success(id, { fallback: true });
  } else {
    log
      .failure(id, reason, "retry", { ...failure, delay_ms: waitMs })
      .advance(options.tookMs ?? waitMs)
      .attempt(id, PRIMARY)
      .advance(options.latencyMs ?? 0)
      .success(id);
  }
  return log;
}

const decisions = (log: AuditLogBuilder) => decisionsOf(numbered(log));
const compare = (a: AuditLogBuilder, b: AuditLogBuilder, options: CompareOptions) =>
  compareDecisions(decisions(a), decisions(b), options);

describe("compareDecisions", () => {
  it("finds no divergence between a log and itself, whatever its request ids and start time", () => {
    const result = compare(
      failedOnce(2_000),
      failedOnce(2_000, { id: "other", start: Date.UTC(2030, 0, 1) }),
      under(EXACT),
    );
    expect(result).toMatchObject({ same: true, requests: 1, steps: 5, divergentRequests: 0, first: null });
  });

  it("names the first different decision with the steps before it", () => {
    const result = compare(failedOnce(2_000), failedOnce(null), under({ ms: 1_000, ratio: 0.5 }));
    expect(result.same).toBe(false);
    expect(result.first).toMatchObject({ kind: "decision", request: 0, step: 2, side: null });
    expect(result.first?.message).toContain("→ retry after a wait");
    expect(result.first?.message).toContain("→ fallback");
    expect(result.first?.context.map((s) => s.text)).toEqual([
      `request by build: chain [${PRIMARY}, ${BACKUP}], primary ${PRIMARY}`,
      `attempt 1 on ${PRIMARY} (model attempt 1)`,
    ]);
  });

  it("takes two jitter draws within the bounds as equal, the times after them too, even with no tolerance", () => {
    // rate_limit retry 1: 2000 ms ± 25 % = 1500–2500 ms.
    expect(compare(failedOnce(1_500), failedOnce(2_500), under(EXACT)).same).toBe(true);
    expect(compare(failedOnce(2_500), failedOnce(1_500), under(EXACT)).same).toBe(true);
  });

  it("reports a wait just outside the jitter, at either edge, on the side that took it", () => {
    const low = compare(failedOnce(1_499), failedOnce(2_000), under({ ms: 1_000, ratio: 0.5 })).first;
    expect(low).toMatchObject({ kind: "wait", side: "incident", request: 0, step: 2 });
    expect(low?.message).toContain(
      "request #0 attempt 1: waited 1499 ms after a 429; the config allows 1500–2500 ms (backoff.rate_limit for retry 1 is 1500–2500 ms with its ±25 % jitter, SPEC §4)",
    );
    expect(low?.message).toContain("The incident's engine broke its config here");
    const high = compare(failedOnce(2_000), failedOnce(2_501), under({ ms: 1_000, ratio: 0.5 })).first;
    expect(high).toMatchObject({ kind: "wait", side: "replay", step: 2 });
    expect(high?.message).toContain("waited 2501 ms after a 429; the config allows 1500–2500 ms");
    expect(high?.message).toContain("The replayed engine broke its config here");
  });

  it("holds a wait to its Retry-After: 500 ms on a 1000 ms Retry-After is a divergence, 1000 ms is not", () => {
    const config = under({ ms: 1_000, ratio: 0.5 }, { backoff: { rate_limit: { base_ms: 1_000 } } });
    const short = compare(
      failedOnce(500, { retryAfterMs: 1_000 }),
      failedOnce(1_000, { retryAfterMs: 1_000 }),
      config,
    );
    expect(short.first?.message).toContain(
      "request #0 attempt 1: waited 500 ms after a 429 with Retry-After 1000 ms; the config allows 1000–1250 ms",
    );
    expect(
      compare(failedOnce(1_000, { retryAfterMs: 1_000 }), failedOnce(1_180, { retryAfterMs: 1_000 }), config)
        .same,
    ).toBe(true);
  });

  it("allows no wait for a Retry-After above retry_after_cap_ms", () => {
    const result = compare(
      failedOnce(70_000, { retryAfterMs: 70_000 }),
      failedOnce(70_000, { retryAfterMs: 70_000 }),
      under(EXACT),
    );
    expect(result.first).toMatchObject({ kind: "wait", side: "incident" });
    expect(result.first?.message).toContain(
      "waited 70000 ms after a 429 with Retry-After 70000 ms; the config allows no wait (a Retry-After above retry_after_cap_ms 60000 is never waited for",
    );
    const raisedCap = under(EXACT, { retry_after_cap_ms: 120_000 });
    expect(
      compare(
        failedOnce(70_000, { retryAfterMs: 70_000 }),
        failedOnce(70_000, { retryAfterMs: 70_000 }),
        raisedCap,
      ).same,
    ).toBe(true);
  });

  it("bounds a network failure by backoff.network and a rate limit by backoff.rate_limit", () => {
    // network retry 1: 1000 ms ± 20 % = 800–1200 ms; rate_limit retry 1: 1500–2500 ms.
    const unavailable = { reason: "unavailable", status: 503 } as const;
    expect(compare(failedOnce(800, unavailable), failedOnce(1_200, unavailable), under(EXACT)).same).toBe(
      true,
    );
    const tooLong = compare(failedOnce(1_600, unavailable), failedOnce(1_000, unavailable), under(EXACT));
    expect(tooLong.first?.message).toContain(
      "waited 1600 ms after a 503; the config allows 800–1200 ms (backoff.network for retry 1",
    );
    const tooShort = compare(failedOnce(1_000), failedOnce(2_000), under(EXACT));
    expect(tooShort.first?.message).toContain("waited 1000 ms after a 429; the config allows 1500–2500 ms");
    const reset = { reason: "connection", status: undefined } as const;
    const noStatus = new AuditLogBuilder();
    noStatus
      .request("r", [PRIMARY])
      .attempt("r", PRIMARY)
      .failure("r", reset.reason, "retry", { delay_ms: 5_000 })
      .advance(5_000)
      .attempt("r", PRIMARY)
      .success("r");
    expect(compare(noStatus, noStatus, under(EXACT)).first?.message).toContain(
      "waited 5000 ms after a connection failure; the config allows 800–1200 ms",
    );
  });

  it("grows the bounds with the retry number and takes the agent's own backoff", () => {
    const twice = (second: number, agent = "build") => {
      const log = new AuditLogBuilder();
      log.request("r", [PRIMARY], { agent }).attempt("r", PRIMARY);
      log.failure("r", "unavailable", "retry", { status: 503, delay_ms: 1_000 }).advance(1_000);
      log.attempt("r", PRIMARY).failure("r", "unavailable", "retry", { status: 503, delay_ms: second });
      return log.advance(second).attempt("r", PRIMARY).success("r");
    };
    // Retry 2: 2000 ms ± 20 % = 1600–2400 ms.
    expect(compare(twice(1_600), twice(2_400), under(EXACT)).same).toBe(true);
    expect(compare(twice(1_000), twice(2_000), under(EXACT)).first?.message).toContain(
      "request #0 attempt 2: waited 1000 ms after a 503; the config allows 1600–2400 ms",
    );
    const settings = overlaySettings(ORACLE_DEFAULTS, {});
    const planAgent = overlaySettings(settings, { backoff: { network: { base_ms: 500 } } });
    const perAgent: CompareOptions = {
      tolerance: EXACT,
      settingsFor: (agent) => (agent === "plan" ? planAgent : settings),
    };
    // plan: retry 1 is 400–600 ms, retry 2 is 800–1200 ms; its 1000 ms first wait is out of bounds.
    expect(compare(twice(1_000, "plan"), twice(1_000, "plan"), perAgent).first?.message).toContain(
      "request #0 attempt 1: waited 1000 ms after a 503; the config allows 400–600 ms",
    );
  });

  it("refuses a wait that would pass the request's deadline", () => {
    const late = new AuditLogBuilder();
    late.request("r", [PRIMARY]).attempt("r", PRIMARY).advance(9_000);
    late.failure("r", "rate_limit", "retry", { status: 429, delay_ms: 2_000, latency_ms: 9_000 });
    late.advance(2_000).attempt("r", PRIMARY).success("r");
    const result = compare(late, late, under(EXACT, { deadline_ms: 10_000 }));
    expect(result.first?.message).toContain(
      "waited 2000 ms after a 429 9000 ms into the request; deadline_ms 10000 leaves 1000 ms",
    );
    expect(compare(late, late, under(EXACT, { deadline_ms: 11_000 })).same).toBe(true);
  });

  it("judges the wait the log shows taken (failure to next attempt) by the same bounds, give or take the tolerance", () => {
    const early = failedOnce(2_000, { tookMs: 200 });
    const result = compare(early, failedOnce(2_000), under({ ms: 100, ratio: 0 }));
    expect(result.first).toMatchObject({ kind: "wait", side: "incident", step: 3 });
    expect(result.first?.message).toContain(
      "request #0 attempt 1: went on 200 ms after a 429 (announcing a wait of 2000 ms); the config allows 1500–2500 ms ± 100 ms",
    );
    expect(
      compare(failedOnce(2_000, { tookMs: 1_450 }), failedOnce(2_000), under({ ms: 100, ratio: 0 })).same,
    ).toBe(true);
  });

  it("does not judge a wait the request's end cut short (the caller gave up while it waited)", () => {
    const cut = new AuditLogBuilder();
    cut.request("r", [PRIMARY]).attempt("r", PRIMARY);
    cut.failure("r", "rate_limit", "retry", { status: 429, delay_ms: 2_000 }).advance(300);
    cut.exhausted("r", "aborted");
    expect(compare(cut, cut, under(EXACT)).same).toBe(true);
  });

  it("waits for a Retry-After exactly at retry_after_cap_ms", () => {
    const atCap = failedOnce(60_000, { retryAfterMs: 60_000 });
    expect(compare(atCap, atCap, under(EXACT)).same).toBe(true);
  });

  it("compares the other times within the tolerance once waits are taken out", () => {
    const slow = failedOnce(1_600, { latencyMs: 3_000 });
    expect(compare(slow, failedOnce(2_400, { latencyMs: 2_500 }), under({ ms: 500, ratio: 0 })).same).toBe(
      true,
    );
    const beyond = compare(slow, failedOnce(2_400, { latencyMs: 2_400 }), under({ ms: 500, ratio: 0 }));
    expect(beyond.first).toMatchObject({ kind: "time", step: 4 });
    expect(beyond.first?.message).toContain("1600 ms of it waiting");
    expect(beyond.first?.message).toContain("apart from waits, tolerance 500 ms");
  });

  it("compares a request whose chain the log did not hold by its agent and primary only", () => {
    const withChain = (chain: string[]) => {
      const log = new AuditLogBuilder();
      log.request("r", chain).attempt("r", PRIMARY).success("r");
      return numbered(log);
    };
    const incident = withChain([PRIMARY]).map((l) =>
      l.audit.event === "fallback_request" ? { ...l, chainUnknown: true } : l,
    );
    expect(
      compareDecisions(decisionsOf(incident), decisionsOf(withChain([PRIMARY, BACKUP])), under(EXACT)).same,
    ).toBe(true);
    const known = withChain([PRIMARY]);
    expect(
      compareDecisions(decisionsOf(known), decisionsOf(withChain([PRIMARY, BACKUP])), under(EXACT)).first,
    ).toMatchObject({ kind: "decision", step: 0 });
    const otherPrimary = new AuditLogBuilder();
    otherPrimary.request("r", [BACKUP, PRIMARY]).attempt("r", BACKUP).success("r");
    expect(
      compareDecisions(decisionsOf(incident), decisionsOf(numbered(otherPrimary)), under(EXACT)).first,
    ).toMatchObject({ kind: "decision", step: 0 });
  });

  it("measures times from each request's start, where drift accumulates", () => {
    const late = failedOnce(2_000, { start: Date.UTC(2025, 0, 1, 12, 0, 0) });
    late.request("req-2", [PRIMARY]).attempt("req-2", PRIMARY).success("req-2");
    const early = failedOnce(2_000, { start: Date.UTC(2025, 0, 1, 12, 0, 0) });
    early.advance(-1_500).request("req-2", [PRIMARY]).attempt("req-2", PRIMARY).success("req-2");
    expect(compare(late, early, under({ ms: 1_000, ratio: 0.5 })).first).toMatchObject({
      kind: "time",
      request: 1,
      step: 0,
    });
  });

  it("reports requests the replay never made, and steps it added", () => {
    const two = failedOnce(2_000);
    two.request("req-2", [PRIMARY, BACKUP]).attempt("req-2", PRIMARY).success("req-2");
    expect(compare(two, failedOnce(2_000), under(EXACT)).first).toMatchObject({
      kind: "missing-request",
      request: 1,
    });
    const longer = new AuditLogBuilder();
    longer
      .request("r", [PRIMARY])
      .attempt("r", PRIMARY)
      .success("r")
      .promoted("r", PRIMARY, longer.now + 1);
    const shorter = new AuditLogBuilder();
    shorter.request("r", [PRIMARY]).attempt("r", PRIMARY).success("r");
    expect(compare(shorter, longer, under(EXACT)).first).toMatchObject({
      kind: "extra-step",
      step: 3,
    });
  });
});
