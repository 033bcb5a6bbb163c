import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { runCommand } from "../cli/commands/run.ts";
import { RunReportSchema, type RunReport } from "../report/report-schema.ts";
import { PLANTED_DEFECTS } from "./planted-defects.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const engines = join(here, "engines");
const scenarios = join(here, "scenarios");
const scenarioFile = (name: string): string => join(scenarios, `${name}.yaml`);

let reports: string;

beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), "fh-defects-"));
});

/** Runs the gate the way CI does and reads back the report it wrote. */
async function gate(
  paths: readonly string[],
  engine: string,
  tag: string,
): Promise<{ code: number; report: RunReport; out: string }> {
  const io = recordingIo({ CI: "true" }, here);
  const reportDir = join(reports, tag);
  const code = await runCommand({ paths, engine, reportDir }, io, {
    cores: 2,
    wallNow: () => 0,
  });
  const report = RunReportSchema.parse(JSON.parse(await readFile(join(reportDir, "report.json"), "utf8")));
  return { code, report, out: io.out() };
}

describe("planted defect engines", () => {
  it("plants at least fifteen defects, one engine file each, every file in the table", async () => {
    const files = (await readdir(engines))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(PLANTED_DEFECTS.length).toBeGreaterThanOrEqual(15);
    expect(PLANTED_DEFECTS.map((d) => d.engine).sort()).toEqual(files);
  });

  it("passes the reference engine on every defect scenario with exit 0", async () => {
    const { code, report, out } = await gate([scenarios], "reference", "reference");
    expect(
      report.scenarios.filter((s) => s.verdict === "fail").map((s) => ({ id: s.id, reasons: s.reasons })),
    ).toEqual([]);
    expect(report.totals.scenarios).toBe(new Set(PLANTED_DEFECTS.map((d) => d.scenario)).size);
    expect(code, out).toBe(0);
  });

  it("passes the bug-free mini engine on every scenario its variants fail", async () => {
    const paths = [...new Set(PLANTED_DEFECTS.filter((d) => d.mini).map((d) => scenarioFile(d.scenario)))];
    const { code, report } = await gate(paths, join(here, "kit", "mini-control.ts"), "mini-control");
    expect(
      report.scenarios.filter((s) => s.verdict === "fail").map((s) => ({ id: s.id, reasons: s.reasons })),
    ).toEqual([]);
    expect(code).toBe(0);
  });

  for (const planted of PLANTED_DEFECTS) {
    it(`fails ${planted.engine} (${planted.defect}) on ${planted.scenario} with exit 1, naming ${planted.reasons.join(" and ")}`, async () => {
      const { code, report, out } = await gate(
        [scenarioFile(planted.scenario)],
        join(engines, `${planted.engine}.ts`),
        planted.engine,
      );
      expect(code).toBe(1);
      const scenario = report.scenarios[0];
      expect(scenario?.verdict).toBe("fail");
      const reasons = scenario?.reasons ?? [];
      for (const wanted of planted.reasons)
        expect(
          reasons.some((r) => r.includes(wanted)),
          `no reason holds "${wanted}":\n${reasons.join("\n")}`,
        ).toBe(true);
      for (const rule of planted.rules ?? [])
        expect(
          scenario?.audit.counts[rule] ?? 0,
          `violation counts ${JSON.stringify(scenario?.audit.counts)}`,
        ).toBeGreaterThan(0);
      // The CI log line names the scenario that failed.
      expect(out).toContain(`FAIL ${scenario?.id ?? planted.scenario}`);
    });
  }
});
