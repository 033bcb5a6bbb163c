import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeShards } from "./merge-reports.ts";
import { writeShardFile } from "./shard-file.ts";

/** Two empty shards of one split (the clock check comes before any scenario is read), with their settings. */
async function shards(first: Record<string, unknown>, second: Record<string, unknown>) {
  const root = await mkdtemp(join(tmpdir(), "fh-merge-clock-"));
  for (const [index, settings] of [first, second].entries()) {
    const dir = join(root, `s${index + 1}`);
    await mkdir(dir);
    await writeShardFile(
      dir,
      root,
      {
        shard: { index: index + 1, count: 2 },
        selection: [],
        inputs: { engine: "reference", seed: undefined, parityExtra: {} },
        settings,
      },
      [],
    );
  }
  return mergeShards(["s1", "s2"], root);
}

describe("merge-reports and clocks", () => {
  it("refuses shards run on the real clock and the virtual clock, as it refuses different seeds", async () => {
    const clocks = await shards({ clock: "real", seed: 1 }, { clock: "virtual", seed: 1 });
    expect(clocks).toEqual({
      ok: false,
      problems: [
        "s1 ran on the real clock but s2 on the virtual clock: shards of different clocks cannot be merged",
      ],
    });
    const oneGiven = await shards({ clock: "real" }, {});
    expect(oneGiven.ok || oneGiven.problems[0]).toContain("on each scenario's own clock");
    const seeds = await shards({ clock: "real", seed: 1 }, { clock: "real", seed: 2 });
    expect(seeds.ok || seeds.problems[0]).toContain("ran with seed 1 but s2 with 2");
  });

  it("merges shards that ran on one clock", async () => {
    expect((await shards({ clock: "real" }, { clock: "real" })).ok).toBe(true);
    expect((await shards({}, {})).ok).toBe(true);
  });
});
