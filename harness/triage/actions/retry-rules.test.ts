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

/** The backup trips on a quota with this Retry-After; the primary serves. */
function quota(retryAfterMs: number | null): AuditLogBuilder {
  const log = new AuditLogBuilder();
  log
    .request("q", [BACKUP, PRIMARY])
    .attempt("q", BACKUP)
    .failure("q", "quota_exhausted", "fallback", { status: 429, retry_after_ms: retryAfterMs })
    .attempt("q", PRIMARY)
    .success("q");
  return log;
}

/** A request that ends on rate limits once its retries ran out. */
function rateLimited(): AuditLogBuilder {
  const log = new AuditLogBuilder();
  log
    .request("r", [PRIMARY])
    .attempt("r", PRIMARY)
    .failure("r", "rate_limit", "retry", { status: 429, delay_ms: 2000 });
  log
    .advance(2000)
    .attempt("r", PRIMARY)
    .failure("r", "rate_limit", "fallback", { status: 429 })
    .exhausted("r", "rate_limit");
  return log;
}

describe("raise-retry-after-cap", () => {
  it("raises the cap to a Retry-After of two minutes", () => {
    const action = triageOf(quota(120_000)).actions.find((a) => a.id === "raise-retry-after-cap");
    expect(action).toMatchObject({
      model: BACKUP,
      changes: [
        { path: "fallback.retry_after_cap_ms", current: 60_000, suggested: 120_000, currentFrom: "default" },
      ],
    });
    expect(action?.evidence[0]).toBe(
      `1 quota_exhausted failure(s) on ${BACKUP} carried a Retry-After: p50 2 min, p95 2 min, max 2 min; the cap is 1 min`,
    );
  });

  it("calls a Retry-After of hours a real quota, with no config change", () => {
    const action = triageOf(quota(7_200_000)).actions.find((a) => a.id === "raise-retry-after-cap");
    expect(action).toMatchObject({
      title: "Check the anthropic quota or billing: its Retry-After is too long to wait for",
      changes: [],
    });
  });

  it("stays quiet for a quota without Retry-After, or one within the configured cap", () => {
    expect(triageOf(quota(null)).actions.map((a) => a.id)).not.toContain("raise-retry-after-cap");
    const config = testConfig({ model: BACKUP, fallback: { retry_after_cap_ms: 300_000 } });
    expect(triageOf(quota(120_000), { config }).actions.map((a) => a.id)).not.toContain(
      "raise-retry-after-cap",
    );
  });
});

describe("raise-max-retries", () => {
  it("adds a retry when requests gave up on rate limits", () => {
    const action = triageOf(rateLimited()).actions.find((a) => a.id === "raise-max-retries");
    expect(action).toMatchObject({
      agent: "build",
      changes: [{ path: "fallback.max_retries", current: 3, suggested: 4, currentFrom: "default" }],
    });
    expect(action?.evidence).toEqual([
      "1 request(s) of build ended in error on rate_limit ×1 with every retry used",
      "for example r (lines 1–6)",
    ]);
  });

  it("names the agent's own max_retries with --config", () => {
    const config = testConfig({ model: PRIMARY, agent: { build: { fallback: { max_retries: 1 } } } });
    const action = triageOf(rateLimited(), { config }).actions.find((a) => a.id === "raise-max-retries");
    expect(action?.changes).toEqual([
      { path: "agent.build.fallback.max_retries", current: 1, suggested: 2, currentFrom: "config" },
    ]);
  });

  it("does not suggest retries for errors that retrying does not fix", () => {
    const log = new AuditLogBuilder();
    log
      .request("r", CHAIN)
      .attempt("r", PRIMARY)
      .failure("r", "server_error", "fallback", { status: 500 })
      .attempt("r", BACKUP)
      .failure("r", "server_error", "fallback", { status: 500 })
      .exhausted("r", "server_error");
    servedByPrimary(log, ["later"]);
    expect(triageOf(log).actions.map((a) => a.id)).not.toContain("raise-max-retries");
  });
});
