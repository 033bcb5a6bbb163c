import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { runCommand } from "../cli/commands/run.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { checkEngineUnderFaults } from "./engine-property.ts";
import reportsChainHead from "./test-engines/reports-chain-head.ts";

const BUGGY_MODULE = fileURLToPath(new URL("./test-engines/reports-chain-head.ts", import.meta.url));
// Fixed: this seed finds the planted bug within the run budget. Change it only with a seed that also does.
const SEED = 7;

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe(`the engine property catches a planted bug (seed=${SEED})`, () => {
  it("fails on an engine that reports the chain head as the served model, and writes a scenario that replays the failure", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "fh-counterexample-"));
    dirs.push(cwd);
    const result = await checkEngineUnderFaults({
      engine: reportsChainHead,
      engineModule: BUGGY_MODULE,
      name: "planted-chain-head",
      seed: SEED,
      numRuns: 200,
      cwd,
      timeLimitMs: 20_000,
    });
    if (result.ok) throw new Error("the property passed on an engine with a planted bug");
    console.log(result.report);
    expect(result.violations.map((v) => v.law)).toContain("served_model");
    expect(result.file).toBe(join("reports", "counterexamples", `planted-chain-head-seed${SEED}.yaml`));

    const text = await readFile(join(cwd, result.file), "utf8");
    const scenario = scenarioSchema.parse(parse(text));
    expect(scenario.id).toBe(`planted-chain-head-seed${SEED}`);
    expect(scenario.expect.requests.some((r) => r.served_by !== undefined)).toBe(true);

    const against = async (engine?: string): Promise<{ code: number; out: string }> => {
      const io = recordingIo({}, cwd);
      const code = await runCommand(
        {
          paths: [result.file],
          ...(engine ? { engine } : {}),
          reportDir: engine ? "reports/replay-buggy" : "reports/replay-reference",
        },
        io,
        { cores: 1, wallNow: () => 0 },
      );
      return { code, out: `${io.out()}${io.err()}` };
    };
    const buggy = await against(BUGGY_MODULE);
    expect(buggy.code, buggy.out).toBe(1);
    const reference = await against();
    expect(reference.code, reference.out).toBe(0);
  }, 120_000);
});
