import { describe, expect, it } from "vitest";
import {
  AuditLogBuilder,
  BACKUP,
  CHAIN,
  PRIMARY,
  servedByBackup,
  servedByPrimary,
  testConfig,
  triageOf,
} from "../triage-test-kit.ts";

/** `failing` requests where the primary fails and the backup serves, then `healthy` ones on the primary. */
function mixed(failing: number, healthy: number): AuditLogBuilder {
  const log = new AuditLogBuilder();
  for (let i = 0; i < failing; i += 1) servedByBackup(log.advance(1000), `f${i}`);
  servedByPrimary(
    log,
    Array.from({ length: healthy }, (_, i) => `h${i}`),
  );
  return log;
}

describe("reorder-chain", () => {
  it("moves a primary that fails most of its attempts behind a healthy backup", () => {
    const [action] = triageOf(mixed(6, 0)).actions;
    expect(action).toMatchObject({
      id: "reorder-chain",
      step: "Recover 1: reorder agent.<name>.models to healthier candidates",
      agent: "build",
      changes: [
        { path: "agent.build.models", current: CHAIN, suggested: [BACKUP, PRIMARY], currentFrom: "log" },
      ],
    });
    expect(action?.evidence[0]).toBe(
      `${PRIMARY} failed 6 of 6 attempts (100 %): server_error ×6, first at line 3; its last outcome was a failure`,
    );
    expect(action?.evidence[1]).toBe(
      `${BACKUP} failed 0 of 6 attempts (0 %); its last outcome was a success`,
    );
  });

  it("names the chain's real place and value with --config", () => {
    const config = testConfig({ model: PRIMARY, fallback: { chains: { default: CHAIN } } });
    const [action] = triageOf(mixed(6, 0), { config }).actions;
    expect(action?.changes).toEqual([
      {
        path: "fallback.chains.default",
        current: CHAIN,
        suggested: [BACKUP, PRIMARY],
        currentFrom: "config",
      },
    ]);
  });

  it("keeps a chain whose head fails less than half its attempts", () => {
    expect(triageOf(mixed(4, 5)).actions.map((a) => a.id)).not.toContain("reorder-chain");
  });

  it("keeps the order when the failing model was serving again by the end of the log", () => {
    expect(triageOf(mixed(6, 3)).actions.map((a) => a.id)).not.toContain("reorder-chain");
  });

  it("waits for enough attempts before calling a model failing", () => {
    expect(triageOf(mixed(4, 0)).actions.map((a) => a.id)).not.toContain("reorder-chain");
  });
});
