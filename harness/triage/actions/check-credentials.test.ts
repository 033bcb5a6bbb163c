import { describe, expect, it } from "vitest";
import {
  AuditLogBuilder,
  BACKUP,
  CHAIN,
  PRIMARY,
  servedByPrimary,
  testConfig,
  triageOf,
} from "../triage-test-kit.ts";

function rejectedBackup(reason: "auth" | "model_not_found", status: number): AuditLogBuilder {
  const log = new AuditLogBuilder();
  log
    .request("r", CHAIN)
    .attempt("r", PRIMARY)
    .failure("r", "server_error", "fallback", { status: 500 })
    .attempt("r", BACKUP)
    .failure("r", reason, "fallback", { status })
    .exhausted("r", reason);
  return servedByPrimary(log.advance(1000), ["later"]);
}

describe("check-credentials", () => {
  it("asks to check the provider key after an auth failure", () => {
    const action = triageOf(rejectedBackup("auth", 401)).actions.find((a) => a.id === "check-credentials");
    expect(action).toMatchObject({
      step: "Diagnose 3: confirm provider auth/availability for candidate models",
      model: BACKUP,
      title: `Check the anthropic API key and its access to ${BACKUP}`,
      changes: [],
    });
    expect(action?.evidence).toEqual([`auth ×1 on ${BACKUP} (status 401 ×1; lines 5–5)`]);
  });

  it("asks to verify the model id after model_not_found, naming where the config has it", () => {
    const config = testConfig({ agent: { build: { models: CHAIN } } });
    const action = triageOf(rejectedBackup("model_not_found", 404), { config }).actions.find(
      (a) => a.id === "check-credentials",
    );
    expect(action).toMatchObject({
      step: "Diagnose 1: verify configured chains are valid model IDs",
      model: BACKUP,
    });
    expect(action?.changes).toEqual([
      {
        path: "agent.build.models[1]",
        current: BACKUP,
        suggested: "a model id the provider lists (or remove it from the chain)",
        currentFrom: "config",
      },
    ]);
  });

  it("stays quiet for failures that heal by themselves", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", CHAIN)
      .attempt("r", PRIMARY)
      .failure("r", "rate_limit", "retry", { status: 429, delay_ms: 1000 })
      .advance(1000)
      .attempt("r", PRIMARY)
      .success("r");
    expect(triageOf(log).actions).toEqual([]);
  });
});
