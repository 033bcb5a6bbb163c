import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RunReportSchema } from "../../report/report-schema.ts";
import { recordingIo } from "../cli-test-io.ts";
import { runCommand } from "./run.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const scenario = join(here, "../../sandbox/misbehaving/basic.yaml");
const wrongShape = join(here, "../../sandbox/misbehaving/engines/resolves-wrong-shape.ts");

async function gate(engine: string | undefined, properties: number) {
  const dir = await mkdtemp(join(tmpdir(), "fh-properties-"));
  const io = recordingIo({ CI: "true" }, dir);
  const code = await runCommand(
    {
      paths: [scenario],
      ...(engine ? { engine } : {}),
      reportDir: dir,
      properties,
      propertiesTimeMs: 30_000,
      seed: 3,
    },
    io,
    { cores: 2, wallNow: () => 0 },
  );
  const report = RunReportSchema.parse(JSON.parse(await readFile(join(dir, "report.json"), "utf8")));
  return { code, report, out: io.out(), summary: await readFile(join(dir, "summary.md"), "utf8"), dir };
}

describe("run --properties: the engine property as part of the gate", () => {
  it("passes the reference engine over random configs × faults × traffic, and says so in the report", async () => {
    const { code, report, out, summary } = await gate(undefined, 3);
    expect(report.properties).toMatchObject({
      property: "engine-under-faults",
      seed: 3,
      runs: 3,
      verdict: "pass",
    });
    expect(out).toContain("properties: engine-under-faults PASS over 3 random scenario(s), seed 3");
    expect(summary).toContain("## Engine Properties");
    expect(code, out).toBe(0);
  });

  it("fails an engine that breaks a law, with its counterexample written into the report folder", async () => {
    const { code, report, dir } = await gate(wrongShape, 3);
    expect(code).toBe(1);
    expect(report.properties?.verdict).toBe("fail");
    expect(report.properties?.violations.join("\n")).toContain("result-shape");
    const file = report.properties?.counterexample ?? "";
    expect(file).toMatch(/^counterexamples\/engine-under-faults-seed3\.yaml$/);
    expect(await readFile(join(dir, file), "utf8")).toContain("id: engine-under-faults-seed3");
  });
});
