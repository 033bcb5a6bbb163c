import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shardOfId } from "../runner/shard.ts";
import { scenarioFilesOfShard } from "./shard-files.ts";

const scenario = (id: string): string => `id: ${id}
title: t
description: d
config: { model: openai/gpt-4.1 }
traffic: [{ stream: false }]
expect: { requests: [{ outcome: success }] }
`;

describe("scenarioFilesOfShard (defineScenarioTests({ shard }))", () => {
  it("takes the files whose scenario id is in the shard, as run --shard does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-vitest-shard-"));
    // File names deliberately unlike the ids: the shard follows the id, not the file.
    const ids = ["s03-server-error-once", "s01-rate-limit-retry-after", "timeout-408-retry"];
    const files = ids.map((_, i) => join(dir, `file-${i}.yaml`));
    await Promise.all(ids.map((id, i) => writeFile(files[i] ?? "", scenario(id))));
    await writeFile(join(dir, "broken.yaml"), "id: [\n");
    const all = [...files, join(dir, "broken.yaml")];
    const shards = await Promise.all([1, 2, 3].map((index) => scenarioFilesOfShard(all, `${index}/3`, dir)));
    for (const [i, id] of ids.entries()) expect(shards[shardOfId(id, 3) - 1]).toContain(files[i]);
    // Every file, broken ones included, in exactly one shard.
    expect(shards.flat().sort()).toEqual([...all].sort());
  });

  it("says what is wrong with a bad shard", async () => {
    await expect(scenarioFilesOfShard([], "3/2", "/")).rejects.toThrow(
      'defineScenarioTests: shard "3/2": the shard index must be between 1 and 2',
    );
  });
});
