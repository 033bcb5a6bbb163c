import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { readShardFile, SHARD_FILE, writeShardFile, type ShardHeader } from "./shard-file.ts";

const header: ShardHeader = {
  shard: { index: 2, count: 3 },
  selection: ["a", "b"],
  inputs: { engine: "reference", seed: undefined, parityExtra: {} },
  settings: { seed: 4, transport: "inproc" },
};

// Data JSON cannot hold, the way outcomes hold it: Infinity in a judge config, an optional field set to
// undefined, a Map, a Date, an object with a "$" key of its own, a key pasted into an engine message.
const outcome = {
  file: "/work/project/scenarios/b.yaml",
  scenario: { id: "b", expect: { parity: [] } },
  run: {
    config: { cap: Number.POSITIVE_INFINITY, floor: Number.NEGATIVE_INFINITY, nan: Number.NaN },
    optional: undefined,
    list: [1, undefined, null],
    perModel: new Map([["openai/gpt-4.1", { calls: 2 }]]),
    models: new Set(["x"]),
    at: new Date(0),
    literal: { $: "number", v: "7" },
  },
  verdict: { verdict: "fail", reasons: ["engine said sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] },
  reaudit: null,
  wallMs: 12,
} as unknown as ScenarioOutcome;

describe("shard files", () => {
  it("keep outcomes as they were, files relative to the runner's folder, secrets scrubbed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-shard-file-"));
    await writeShardFile(dir, "/work/project", header, [outcome]);
    const text = await readFile(join(dir, SHARD_FILE), "utf8");
    expect(text).not.toContain("sk-ant-api03");
    expect(text).toContain('"file":"scenarios/b.yaml"');

    const read = await readShardFile(dir, "/elsewhere/checkout");
    if (!read.ok) throw new Error(read.message);
    expect(read.file.shard).toEqual(header.shard);
    expect(read.file.selection).toEqual(header.selection);
    expect(read.file.settings).toEqual(header.settings);
    expect("seed" in read.file.inputs && read.file.inputs.seed === undefined).toBe(true);
    const [back] = read.file.outcomes;
    expect(back?.file).toBe("/elsewhere/checkout/scenarios/b.yaml");
    const run = back?.run as unknown as Record<string, unknown>;
    const original = outcome.run as unknown as Record<string, unknown>;
    expect(run).toStrictEqual(original);
    expect("optional" in run).toBe(true);
    expect(back?.verdict.reasons[0]).toMatch(/^engine said \[redacted: /);
  });

  it("say what is wrong with a folder that is not a shard's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-shard-file-"));
    const none = await readShardFile(dir, dir);
    expect(none).toMatchObject({ ok: false });
    if (!none.ok) expect(none.message).toContain(`no ${SHARD_FILE} here`);

    await writeFile(
      join(dir, SHARD_FILE),
      '{"format":"fallback-harness-shard","version":1,"shard":{"index":0}}',
    );
    const bad = await readShardFile(dir, dir);
    if (bad.ok) throw new Error("read a broken shard file");
    expect(bad.message).toMatch(/not a shard file of this version: shard\.index/);

    await writeFile(join(dir, SHARD_FILE), '{"format":');
    const cut = await readShardFile(dir, dir);
    if (cut.ok) throw new Error("read a cut shard file");
    expect(cut.message).toContain("not readable JSON");
  });
});
