import { access, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RunReportSchema } from "../../report/report-schema.ts";
import { recordingIo } from "../cli-test-io.ts";
import { main } from "../main.ts";
import { engineDirName } from "./run-scorecard.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const DEFECT = "harness/defects/engines/ignores-retry-after.ts";
const SCENARIOS = [
  "scenarios/failoverbench/s03-server-error-once.yaml",
  "scenarios/failoverbench/s01-rate-limit-retry-after.yaml",
  "harness/defects/scenarios/ignores-retry-after.yaml",
];

describe("run --engine a --engine b: the scorecard", () => {
  it("names each engine's folder after what was given", () => {
    expect(engineDirName("reference")).toBe("reference");
    expect(engineDirName("./engines/My Engine.ts")).toBe("my-engine");
    expect(engineDirName("gateway:http://127.0.0.1:8080/v1")).toBe("gateway-http-127.0.0.1-8080-v1");
  });

  it("runs the suite per engine and tables scenario × engine; exit code the worst engine's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-scorecard-"));
    const io = recordingIo({ CI: "true" }, repo);
    const argv = ["run", ...SCENARIOS, "--engine", "reference", "--engine", DEFECT, "--report-dir", dir];
    const code = await main(argv, io, { run: { cores: 2, wallNow: () => 0 } });

    const reference = RunReportSchema.parse(
      JSON.parse(await readFile(join(dir, "reference", "report.json"), "utf8")),
    );
    const defect = RunReportSchema.parse(
      JSON.parse(await readFile(join(dir, "ignores-retry-after", "report.json"), "utf8")),
    );
    expect(reference.scenarios.map((s) => s.verdict)).toEqual(["pass", "pass", "pass"]);
    const caught = defect.scenarios.find((s) => s.id === "defect-ignores-retry-after");
    expect(caught?.verdict).toBe("fail");
    expect(code).toBe(1);

    const md = await readFile(join(dir, "scorecard.md"), "utf8");
    const row = md.split("\n").find((l) => l.startsWith("| `defect-ignores-retry-after` |")) ?? "";
    const [, refCell, defectCell] = row.split(" | ");
    expect(refCell).toBe("[PASS](reference/index.html#s2)");
    const tier = caught?.tiers.safety === "fail" ? "safety" : "conformance";
    expect(defectCell).toContain(`[**FAIL (${tier})**](ignores-retry-after/index.html#s2)`);
    expect(defectCell).toContain((caught?.reasons[0] ?? "").slice(0, 40).replaceAll("|", "\\|"));

    const html = await readFile(join(dir, "scorecard.html"), "utf8");
    expect(html).toContain('href="ignores-retry-after/index.html#s2"');
    // The links land on real reports.
    await access(join(dir, "reference", "index.html"));
    await access(join(dir, "ignores-retry-after", "index.html"));
    expect(io.out()).toContain("scorecard:");
  }, 900_000);
});
