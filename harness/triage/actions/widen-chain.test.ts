import { describe, expect, it } from "vitest";
import { AuditLogBuilder, BACKUP, CHAIN, PRIMARY, testConfig, triageOf } from "../triage-test-kit.ts";

describe("widen-chain", () => {
  it("asks for another provider when a request ran out of chain", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", CHAIN)
      .attempt("r", PRIMARY)
      .failure("r", "server_error", "fallback", { status: 500 })
      .attempt("r", BACKUP)
      .failure("r", "server_error", "fallback", { status: 500 })
      .exhausted("r", "server_error");
    const config = testConfig({ agent: { build: { models: CHAIN } } });
    const action = triageOf(log, { config }).actions.find((a) => a.id === "widen-chain");
    expect(action).toMatchObject({
      agent: "build",
      evidence: [
        `1 request(s) of build ended in error with the whole chain [${CHAIN.join(", ")}] tried or skipped: server_error ×1`,
        "for example r (lines 1–6)",
      ],
      changes: [
        {
          path: "agent.build.models",
          current: CHAIN,
          suggested: "append a model of a provider not in the chain yet (the chain has openai, anthropic)",
          currentFrom: "config",
        },
      ],
    });
  });

  it("counts all_open as running out of chain", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", CHAIN)
      .skip("r", PRIMARY, "circuit_open")
      .skip("r", BACKUP, "circuit_open")
      .exhausted("r", "all_open");
    expect(triageOf(log).actions.map((a) => a.id)).toContain("widen-chain");
  });

  it("does not blame the chain for an error every model would give (content filter)", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", CHAIN)
      .attempt("r", PRIMARY)
      .failure("r", "content_filter", "fail", { status: 400 })
      .exhausted("r", "content_filter");
    expect(triageOf(log).actions.map((a) => a.id)).not.toContain("widen-chain");
  });
});
