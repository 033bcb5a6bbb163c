import { describe, expect, it } from "vitest";
import { scenarioSchema, type Expectations } from "../scenario/schema.ts";
import { tierVerdict, type Check } from "./checks.ts";
import { judgeExpectationChecks, NO_AUDIT_REASON, type Observed } from "./expectations.ts";
import type { AuditRecord, FleetCall, RequestRecord } from "./records.ts";

const START = Date.UTC(2026, 0, 1);
const PRIMARY = "openai/gpt-4.1";
const FALLBACK = "anthropic/claude-sonnet-4-5";
const ANSWERS = { [PRIMARY]: `prose [${PRIMARY}]`, [FALLBACK]: `prose [${FALLBACK}]` };

function request(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    index: 0,
    label: undefined,
    agent: "build",
    sentAt: 0,
    endedAt: 100,
    outcome: "success",
    model: FALLBACK,
    text: ANSWERS[FALLBACK],
    attempts: 2,
    error: null,
    shown: null,
    cancelled: false,
    ...fields,
  };
}

const call = (model: string, at: number, fields: Partial<FleetCall> = {}): FleetCall => ({
  id: `c${at}`,
  at: START + at,
  provider: model.split("/")[0] ?? "",
  model,
  outcome: "ok",
  ...fields,
});

function expectations(expect: unknown): Expectations {
  return scenarioSchema.parse({ id: "t", title: "t", description: "t", config: {}, traffic: [{}], expect })
    .expect;
}

function observe(fields: Partial<Observed> = {}): Observed {
  return {
    startMs: START,
    requests: [request()],
    audit: [],
    fleet: [call(PRIMARY, 0, { outcome: "error", status: 500 }), call(FALLBACK, 10)],
    canonicalText: "prose",
    answers: ANSWERS,
    auditGiven: false,
    ...fields,
  };
}

const byId = (checks: readonly Check[], id: string): Check | undefined => checks.find((c) => c.id === id);

describe("expectations as checks (SPEC §10.2–§10.3)", () => {
  it("says NOT CHECKED, never FAIL, for audit-based expectations of an engine that writes no audit", () => {
    const expect_ = expectations({
      requests: [{ exhausted_reason: "server_error" }],
      audit: {
        present: [{ event: "fallback_failure", model: PRIMARY }],
        absent: [{ event: "fallback_exhausted" }],
      },
      breaker: [{ model: PRIMARY, at: 0, state: "open" }],
    });
    const checks = judgeExpectationChecks(expect_, observe());
    expect(checks.map((c) => [c.id, c.outcome])).toEqual([
      ["expect.requests[0].exhausted_reason", { kind: "not-checked", reason: NO_AUDIT_REASON }],
      ["expect.audit.present[0]", { kind: "not-checked", reason: NO_AUDIT_REASON }],
      ["expect.audit.absent[0]", { kind: "not-checked", reason: NO_AUDIT_REASON }],
      ["expect.breaker[0]", { kind: "not-checked", reason: NO_AUDIT_REASON }],
    ]);
    expect(checks.every((c) => c.tier === "conformance" && c.evidence.includes("audit"))).toBe(true);
    expect(tierVerdict(checks, "conformance")).toBe("partial");
  });

  it("judges the same expectations on the audit when the engine gives one", () => {
    const audit: AuditRecord[] = [
      { event: "fallback_request", request_id: "r1", ts: new Date(START).toISOString() },
      { event: "fallback_failure", request_id: "r1", model: PRIMARY, ts: new Date(START).toISOString() },
    ];
    const expect_ = expectations({
      audit: { present: [{ event: "fallback_failure", model: PRIMARY }] },
      breaker: [{ model: PRIMARY, at: 0, state: "open" }],
    });
    const checks = judgeExpectationChecks(expect_, observe({ audit, auditGiven: true }));
    expect(byId(checks, "expect.audit.present[0]")?.outcome).toEqual({ kind: "pass" });
    expect(byId(checks, "expect.breaker[0]")?.outcome).toEqual({
      kind: "fail",
      message: `the audit's circuit_transition lines put ${PRIMARY} closed at 0 ms, expected open`,
    });
  });

  it("gives each kind its default tier and honours a per-expectation tier override", () => {
    const expect_ = expectations({
      requests: [{ outcome: "success", served_by: FALLBACK, text: "canonical", attempts: { max: 2 } }],
      calls: [{ model: PRIMARY, max: 1, tier: "safety" }],
      no_hammer: [{ model: PRIMARY, max_attempts: 1, within: "1s" }],
    });
    const tiers = Object.fromEntries(judgeExpectationChecks(expect_, observe()).map((c) => [c.id, c.tier]));
    expect(tiers).toEqual({
      "expect.requests[0].outcome": "conformance",
      "expect.requests[0].served_by": "conformance",
      "expect.requests[0].attempts": "conformance",
      "expect.requests[0].text": "safety",
      "expect.calls[0]": "safety",
      "expect.no_hammer[0]": "conformance",
    });
  });

  it("counts attempts from the fleet when its calls are attributed, over the engine's own report", () => {
    const fleet = [call(PRIMARY, 0, { request: 0, outcome: "error" }), call(FALLBACK, 10, { request: 0 })];
    const expect_ = expectations({ requests: [{ attempts: { min: 1, max: 1 } }] });
    const [check] = judgeExpectationChecks(expect_, observe({ fleet, requests: [request({ attempts: 1 })] }));
    expect(check).toMatchObject({
      evidence: ["fleet"],
      outcome: {
        kind: "fail",
        message: "request #0: expected exactly 1 attempts, got 2 provider calls (fleet)",
      },
    });
  });

  it("leaves attempts NOT CHECKED for a failed request with no attribution and no audit", () => {
    const failedRequest = request({ outcome: "error", model: null, text: null, attempts: null });
    const expect_ = expectations({ requests: [{ attempts: { min: 1, max: 1 } }] });
    const [check] = judgeExpectationChecks(expect_, observe({ requests: [failedRequest] }));
    expect(check?.outcome.kind).toBe("not-checked");
  });

  it("holds text: canonical against the whole answer of the model that wrote it, saying which way it is wrong", () => {
    const expect_ = expectations({ requests: [{ text: "canonical" }] });
    const whole = judgeExpectationChecks(expect_, observe());
    expect(whole[0]?.outcome).toEqual({ kind: "pass" });
    const doubled = ANSWERS[FALLBACK] + ANSWERS[FALLBACK];
    const [longer] = judgeExpectationChecks(expect_, observe({ requests: [request({ text: doubled })] }));
    expect(longer?.outcome).toEqual({
      kind: "fail",
      message: `request #0: text differs from the canonical answer of ${FALLBACK} (${doubled.length} vs ${ANSWERS[FALLBACK].length} characters: duplicated or extra text)`,
    });
    const [cut] = judgeExpectationChecks(expect_, observe({ requests: [request({ text: "prose [" })] }));
    expect(cut?.outcome.kind === "fail" && cut.outcome.message).toContain("truncated");
  });

  it("owes text only on a success: a rejected request is judged by its outcome, not as missing text", () => {
    const expect_ = expectations({ requests: [{ outcome: "success", text: "canonical" }] });
    const rejected = request({
      outcome: "error",
      model: null,
      text: null,
      error: { name: "E", message: "404" },
    });
    const checks = judgeExpectationChecks(expect_, observe({ requests: [rejected] }));
    const failures = checks.filter((c) => c.outcome.kind === "fail");
    expect(failures.map((c) => [c.id, c.tier])).toEqual([["expect.requests[0].outcome", "conformance"]]);
  });

  it("finds the return to the primary in the fleet's record, with no audit", () => {
    const expect_ = expectations({ return_to_primary: { model: PRIMARY, recovered_at: "1s", within: "5s" } });
    const back = observe({ fleet: [call(PRIMARY, 0, { outcome: "error" }), call(PRIMARY, 3_000)] });
    expect(judgeExpectationChecks(expect_, back)[0]).toMatchObject({
      evidence: ["fleet"],
      outcome: { kind: "pass" },
    });
    const never = observe({ fleet: [call(PRIMARY, 0, { outcome: "error" }), call(FALLBACK, 3_000)] });
    expect(judgeExpectationChecks(expect_, never)[0]?.outcome.kind).toBe("fail");
  });
});
