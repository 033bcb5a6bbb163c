import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioSchema } from "../../scenario/schema.ts";
import { DEFAULT_LIMITS, superviseIsolate } from "../../sandbox/supervise-isolate.ts";

/** Live processes of a group (zombies count as ended: they hold no resources and run no code). */
function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") live.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return live;
}

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
});
