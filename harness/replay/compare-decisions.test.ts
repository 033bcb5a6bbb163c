import { describe, expect, it } from "vitest";
import { compareDecisions, EXACT } from "./compare-decisions.ts";
import { decisionsOf } from "./decisions.ts";
import { AuditLogBuilder, numbered } from "./replay-test-kit.ts";

const PRIMARY = "openai/gpt-4.1";
const BACKUP = "anthropic/claude-sonnet-4-5";

/** One request: the primary answers 429 and the engine retries after `waitMs`, or falls back when `waitMs` is null. */
function rateLimited(waitMs: number | null, options: { id?: string; start?: number } = {}): AuditLogBuilder {
  const log = new AuditLogBuilder(options.start);
  const id = options.id ?? "req-1";
  log.request(id, [PRIMARY, BACKUP]).attempt(id, PRIMARY);
  if (waitMs === null) {
    log
      .failure(id, "rate_limit", "fallback", { status: 429, delay_ms: null })
      .attempt(id, BACKUP)
      .success(id, { fallback: true });
  } else {
    log
      .failure(id, "rate_limit", "retry", { status: 429, delay_ms: waitMs })
      .advance(waitMs)
      .attempt(id, PRIMARY)
      .success(id);
  }
  return log;
}

const decisions = (log: AuditLogBuilder) => decisionsOf(numbered(log));

describe("compareDecisions", () => {
  it("finds no divergence between a log and itself, whatever its request ids and start time", () => {
    const result = compareDecisions(
      decisions(rateLimited(2_000)),
      decisions(rateLimited(2_000, { id: "other", start: Date.UTC(2030, 0, 1) })),
      EXACT,
    );
    expect(result).toMatchObject({ same: true, requests: 1, steps: 5, divergentRequests: 0, first: null });
  });

  it("names the first different decision with the steps before it", () => {
    const result = compareDecisions(decisions(rateLimited(2_000)), decisions(rateLimited(null)), {
      ms: 1_000,
      ratio: 0.5,
    });
    expect(result.same).toBe(false);
    expect(result.first).toMatchObject({ kind: "decision", request: 0, step: 2 });
    expect(result.first?.message).toContain("→ retry after a wait");
    expect(result.first?.message).toContain("→ fallback");
    expect(result.first?.context.map((s) => s.text)).toEqual([
      `request by build: chain [${PRIMARY}, ${BACKUP}], primary ${PRIMARY}`,
      `attempt 1 on ${PRIMARY} (model attempt 1)`,
    ]);
  });

  it("accepts waits and times within the tolerance and reports them beyond it", () => {
    expect(
      compareDecisions(decisions(rateLimited(2_000)), decisions(rateLimited(2_400)), { ms: 500, ratio: 0 })
        .same,
    ).toBe(true);
    expect(
      compareDecisions(decisions(rateLimited(4_000)), decisions(rateLimited(5_800)), { ms: 0, ratio: 0.5 })
        .same,
    ).toBe(true);
    const beyond = compareDecisions(decisions(rateLimited(2_000)), decisions(rateLimited(2_400)), {
      ms: 100,
      ratio: 0,
    });
    expect(beyond.first).toMatchObject({ kind: "wait", step: 2 });
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
      compareDecisions(decisionsOf(incident), decisionsOf(withChain([PRIMARY, BACKUP])), EXACT).same,
    ).toBe(true);
    const known = withChain([PRIMARY]);
    expect(
      compareDecisions(decisionsOf(known), decisionsOf(withChain([PRIMARY, BACKUP])), EXACT).first,
    ).toMatchObject({ kind: "decision", step: 0 });
    const otherPrimary = new AuditLogBuilder();
    otherPrimary.request("r", [BACKUP, PRIMARY]).attempt("r", BACKUP).success("r");
    expect(
      compareDecisions(decisionsOf(incident), decisionsOf(numbered(otherPrimary)), EXACT).first,
    ).toMatchObject({ kind: "decision", step: 0 });
  });

  it("measures times from each request's start, where drift accumulates", () => {
    const late = rateLimited(2_000, { start: Date.UTC(2025, 0, 1, 12, 0, 0) });
    late.request("req-2", [PRIMARY]).attempt("req-2", PRIMARY).success("req-2");
    const early = rateLimited(2_000, { start: Date.UTC(2025, 0, 1, 12, 0, 0) });
    early.advance(-1_500).request("req-2", [PRIMARY]).attempt("req-2", PRIMARY).success("req-2");
    expect(
      compareDecisions(decisions(late), decisions(early), { ms: 1_000, ratio: 0.5 }).first,
    ).toMatchObject({ kind: "time", request: 1, step: 0 });
  });

  it("reports requests the replay never made, and steps it added", () => {
    const two = rateLimited(2_000);
    two.request("req-2", [PRIMARY, BACKUP]).attempt("req-2", PRIMARY).success("req-2");
    expect(compareDecisions(decisions(two), decisions(rateLimited(2_000)), EXACT).first).toMatchObject({
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
    expect(compareDecisions(decisions(shorter), decisions(longer), EXACT).first).toMatchObject({
      kind: "extra-step",
      step: 3,
    });
  });
});
