import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scenarioSchema } from "../../scenario/schema.ts";
import { liveInGroup } from "../../sandbox/process-group-test-kit.ts";
import { DEFAULT_LIMITS, superviseIsolate } from "../../sandbox/supervise-isolate.ts";

describe("process engines' children", () => {
  it("are killed, process group and all, when the supervisor ends a hung isolate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-children-"));
    const pidFile = join(dir, "pid");
    const scenario = scenarioSchema.parse({
      id: "hangs",
      title: "hangs",
      description: "a process engine that never answers",
      clock: "real",
      transport: "loopback",
      config: { model: "openai/gpt-4.1" },
      traffic: [{ count: 1 }],
    });
    const outcome = await superviseIsolate(
      {
        scenario,
        file: join(dir, "hangs.yaml"),
        seed: 1,
        transport: "loopback",
        clock: "real",
        engineModule: new URL("./test-engines/spawns-and-hangs.ts", import.meta.url).href,
        engineEnv: { FH_TEST_PID_FILE: pidFile },
      },
      { ...DEFAULT_LIMITS, scenarioTimeoutMs: 4_000, stallTimeoutMs: 4_000, phaseTimeoutMs: 4_000 },
    );
    expect(outcome.kind).toBe("died");
    const pgid = Number(readFileSync(pidFile, "utf8"));
    expect(pgid).toBeGreaterThan(1);
    // The kill is sent as the isolate ends; give the kernel a moment to deliver it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(liveInGroup(pgid)).toEqual([]);
  }, 60_000);

  it.each(["SIGTERM", "SIGINT"] as const)(
    "are killed when the harness itself is stopped with %s mid-run",
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), "fh-children-"));
      const pidFile = join(dir, "pid");
      const scenarioFile = join(dir, "hangs.yaml");
      writeFileSync(
        scenarioFile,
        [
          "id: hangs",
          "title: hangs",
          "description: a process engine that never answers",
          "clock: real",
          "transport: loopback",
          "config: { model: openai/gpt-4.1 }",
          "traffic: [{ count: 1 }]",
          "",
        ].join("\n"),
      );
      const root = fileURLToPath(new URL("../../../", import.meta.url));
      const engine = fileURLToPath(new URL("./test-engines/spawns-and-hangs.ts", import.meta.url));
      const harness = spawn(
        process.execPath,
        [
          join(root, "bin/fallback-harness.js"),
          "run",
          scenarioFile,
          "--engine",
          engine,
          "--report-dir",
          join(dir, "report"),
        ],
        { cwd: root, env: { ...process.env, FH_TEST_PID_FILE: pidFile, CI: "true" }, stdio: "ignore" },
      );
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        harness.once("exit", (code, sig) => resolve(sig ?? code)),
      );
      // The engine writes its child's pid once it has started it; stop the harness right then.
      for (let waited = 0; !existsSync(pidFile) && waited < 50_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const pgid = Number(readFileSync(pidFile, "utf8"));
      expect(liveInGroup(pgid).length).toBeGreaterThan(0);
      harness.kill(signal);
      expect(await exited).toBe(signal);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(liveInGroup(pgid)).toEqual([]);
    },
    90_000,
  );
});
