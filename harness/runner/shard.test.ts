import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { main } from "../cli/main.ts";
import { formatShard, inShard, parseShard, shardOfId } from "./shard.ts";

describe("parseShard", () => {
  it("reads i/n", () => {
    expect(parseShard("2/3")).toEqual({ ok: true, shard: { index: 2, count: 3 } });
    expect(parseShard("1/1")).toEqual({ ok: true, shard: { index: 1, count: 1 } });
  });

  it.each([
    ["0/3", "between 1 and 3 (shards are numbered from 1)"],
    ["4/3", "between 1 and 3"],
    ["1/0", "the shard count must be at least 1"],
    ["a/b", "expected i/n with whole numbers"],
    ["2", "expected i/n"],
    ["-1/3", "expected i/n"],
  ])("refuses %s", (text, message) => {
    const parsed = parseShard(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it("is exit 2 with the message on the command line, before anything runs", async () => {
    for (const bad of ["0/3", "4/3", "a/b"]) {
      const io = recordingIo({ CI: "true" });
      expect(await main(["run", "--shard", bad, "--report-dir", "/nonexistent/never"], io)).toBe(2);
      expect(io.err()).toContain(`--shard "${bad}"`);
      expect(io.err()).not.toMatch(/\n\s+at /);
    }
  });
});

describe("shardOfId", () => {
  it("puts a scenario in the same shard whatever else the suite holds", () => {
    const ids = Array.from({ length: 200 }, (_, i) => `scenario-${i}`);
    const before = new Map(ids.map((id) => [id, shardOfId(id, 4)]));
    // Adding and removing other ids cannot move one: the shard is a function of the id alone.
    const changed = [...ids.slice(50), "new-a", "new-b"];
    for (const id of changed.filter((x) => before.has(x))) expect(shardOfId(id, 4)).toBe(before.get(id));
  });

  it("uses every shard and splits evenly enough", () => {
    const ids = Array.from({ length: 900 }, (_, i) => `s${i}-${(i * 7919) % 1000}`);
    const counts = [0, 0, 0];
    for (const id of ids) counts[shardOfId(id, 3) - 1]! += 1;
    for (const n of counts) expect(n).toBeGreaterThan(250);
  });

  it("has the pinned values (changing the hash reshuffles every user's shards)", () => {
    expect(
      ["s03-server-error-once", "s01-rate-limit-retry-after", "timeout-408-retry"].map((id) =>
        shardOfId(id, 3),
      ),
    ).toEqual([1, 2, 3]);
    expect(inShard("s03-server-error-once", { index: 1, count: 3 })).toBe(true);
    expect(inShard("s03-server-error-once", { index: 2, count: 3 })).toBe(false);
    expect(shardOfId("anything", 1)).toBe(1);
    expect(formatShard({ index: 2, count: 5 })).toBe("2/5");
  });
});
