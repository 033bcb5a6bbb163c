import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "../oracle/config-defaults.ts";
import type { OracleOverrides } from "../oracle/config-types.ts";
import { overlaySettings } from "../oracle/config-merge.ts";
import { AuditLogBuilder, linesOf } from "./audit-log-builder.ts";
import { checkAuditStream } from "./check-audit.ts";
import { A, B, GOOD_LOGS } from "./good-logs.ts";

function check(lines: readonly string[], overrides: OracleOverrides = {}, terminated = true) {
  const settings = overlaySettings(ORACLE_DEFAULTS, overrides);
  return checkAuditStream(linesOf(lines), {
    settingsFor: () => settings,
    lastLineTerminated: () => terminated,
  });
}

describe("checkAuditStream on logs that follow the spec", () => {
  it.each(GOOD_LOGS.map((log) => [log.name, log] as const))("passes the %s log", async (_name, log) => {
    const result = await check(log.build().lines(), log.overrides);
    expect(result.violations).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.lines).toBe(log.build().lines().length);
  });
});

describe("checkAuditStream on a cut log", () => {
  it("treats an unparseable last line without a newline as a warning, not a violation", async () => {
    const lines = new AuditLogBuilder()
      .request("r1", [A, B])
      .attempt("r1", A)
      .text('{"v":1,"seq":3,"ts":"2025-01-01T')
      .lines();
    const result = await check(lines, {}, false);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.kind)).toEqual(["partial-last-line", "open-requests-at-cut"]);
    expect(result.warnings[0]?.line).toBe(3);
  });

  it("reports the same unparseable last line as a violation when the file ended with a newline", async () => {
    const lines = new AuditLogBuilder()
      .request("r1", [A, B])
      .attempt("r1", A)
      .text('{"v":1,"seq":3,"ts":"2025-01-01T')
      .lines();
    const result = await check(lines, {}, true);
    expect(result.violations).toContainEqual(expect.objectContaining({ rule: "line-not-json", line: 3 }));
    expect(result.warnings).toEqual([]);
  });

  it("reports an open request at the end of a complete log at its first line", async () => {
    const lines = new AuditLogBuilder().request("r1", [A, B]).attempt("r1", A).lines();
    const result = await check(lines);
    expect(result.firstViolation).toMatchObject({ rule: "request-unterminated", line: 1, requestId: "r1" });
  });
});
