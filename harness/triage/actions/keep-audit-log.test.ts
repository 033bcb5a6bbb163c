import { describe, expect, it } from "vitest";
import { AuditLogBuilder, PRIMARY, servedByPrimary, testConfig, triageOf } from "../triage-test-kit.ts";

describe("keep-audit-log", () => {
  it("asks to keep the audit log on when the reader had to derive fields", () => {
    const [action] = triageOf(servedByPrimary(new AuditLogBuilder(), ["a"]), {
      marks: { derived: { 2: ["model_attempt"] } },
    }).actions;
    expect(action).toMatchObject({
      id: "keep-audit-log",
      evidence: ["fields derived because the lines lacked them: model_attempt ×1 (from line 2)"],
      changes: [{ path: "fallback.audit_log", current: true, suggested: true, currentFrom: "log" }],
    });
  });

  it("turns the audit log back on where the config turned it off", () => {
    const config = testConfig({ model: PRIMARY, agent: { build: { fallback: { audit_log: false } } } });
    const lines = servedByPrimary(new AuditLogBuilder(), ["a", "b"]).lines();
    const [action] = triageOf([lines[0] as string, ...lines.slice(2)], { config }).actions;
    expect(action?.changes).toEqual([
      { path: "fallback.audit_log", current: true, suggested: true, currentFrom: "config" },
      { path: "agent.build.fallback.audit_log", current: false, suggested: true, currentFrom: "config" },
    ]);
    expect(action?.evidence).toEqual(["1 line(s) missing in 1 seq gap(s) (at line 2)"]);
  });

  it("has nothing to say about a complete log", () => {
    expect(triageOf(servedByPrimary(new AuditLogBuilder(), ["a", "b"])).actions).toEqual([]);
  });
});
