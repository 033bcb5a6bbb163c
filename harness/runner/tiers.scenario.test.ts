import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { runCommand } from "../cli/commands/run.ts";
import { RunReportSchema, type RunReport } from "../report/report-schema.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const library = join(here, "..", "..", "scenarios");
/** A failover, a breaker and a streaming scenario: each has expectations that read the audit. */
const REPRESENTATIVE = [
  "failoverbench/s03-server-error-once.yaml",
  "breaker/recovery-return-to-primary.yaml",
  "streaming/mid-stream-cut-restart.yaml",
].map((f) => join(library, f));

async function gate(
  engine: string,
  paths: readonly string[],
  tier: "safety" | "conformance",
): Promise<{ code: number; report: RunReport; out: string; junit: string; summary: string }> {
  const reportDir = await mkdtemp(join(tmpdir(), "fh-tiers-"));
  const io = recordingIo({ CI: "true" }, here);
  const code = await runCommand({ paths, engine: join(here, "test-engines", engine), reportDir, tier }, io, {
    cores: 2,
    wallNow: () => 0,
  });
  const read = (file: string): Promise<string> => readFile(join(reportDir, file), "utf8");
  const report = RunReportSchema.parse(JSON.parse(await read("report.json")));
  return { code, report, out: io.out(), junit: await read("junit.xml"), summary: await read("summary.md") };
}

describe("tiers and evidence over real runs (SPEC §10.2–§10.3)", () => {
  it("passes a correct engine that writes no audit on safety, PARTIAL on conformance, listing what it could not check", async () => {
    const { code, report, out, junit, summary } = await gate(
      "reference-without-audit.ts",
      REPRESENTATIVE,
      "conformance",
    );
    expect(report.scenarios.map((s) => [s.id, s.tiers, s.reasons])).toEqual(
      report.scenarios.map((s) => [s.id, { safety: "pass", conformance: "partial" }, []]),
    );
    expect(code, out).toBe(0);
    for (const s of report.scenarios) {
      expect(s.not_checked.map((c) => c.id)).toContain("conformance.audit-checker");
      expect(
        s.not_checked.every((c) => c.reason.includes("writes no SPEC §8 audit") && !c.reason.includes("\n")),
      ).toBe(true);
      expect(s.not_checked.every((c) => c.evidence.includes("audit"))).toBe(true);
    }
    expect(report.totals.safety).toEqual({ passed: 3, failed: 0, partial: 0 });
    expect(report.totals.conformance).toEqual({ passed: 0, failed: 0, partial: 3 });
    // The parity matrix claims nothing it did not see.
    expect(report.parity.map((p) => p.status)).not.toContain("PASS");
    expect(report.parity.flatMap((p) => p.evidence).join("\n")).not.toMatch(/audit logs pass the checker/);
    expect(junit).toContain('<testcase classname="scenarios.conformance" name="s03-server-error-once"');
    expect(junit).toMatch(/<skipped message="not checked: expect\.[^"]*writes no SPEC §8 audit/);
    expect(junit).not.toContain("<failure");
    expect(summary).toContain("## Checks Not Made");
    expect(summary).toContain("Audit logs checked: none -> **NOT CHECKED**");
  });

  it("fails the conformance tier of an engine that declares audit: spec and writes nothing; --tier safety does not gate on it", async () => {
    const paths = REPRESENTATIVE.slice(0, 1);
    const { code, report } = await gate("declared-but-silent.ts", paths, "safety");
    const [s03] = report.scenarios;
    expect(s03?.tiers).toEqual({ safety: "pass", conformance: "fail" });
    expect(s03?.reasons[0]).toMatch(
      /^\[conformance\] audit-missing: the engine declares audit: "spec" but wrote no audit line/,
    );
    expect(report.tier).toBe("safety");
    expect(code).toBe(0);
    expect(report.exit_code).toBe(0);
  });
});
