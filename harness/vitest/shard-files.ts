import { relative } from "node:path";
import { inShard, parseShard, type Shard } from "../runner/shard.ts";
import { loadScenarioFile } from "../scenario/load-scenario.ts";
import { scenarioSchema } from "../scenario/schema.ts";

/**
 * The scenario files of one shard, by the same rule as `run --shard` (a hash of the scenario id), so a
 * scenario is in the same shard in vitest and in the CLI. A file that does not load has no id: it is placed
 * by its path, so its error is reported by exactly one shard.
 */
export async function scenarioFilesOfShard(
  files: readonly string[],
  shard: Shard | string,
  cwd: string,
): Promise<string[]> {
  let chosen: Shard;
  if (typeof shard === "string") {
    const parsed = parseShard(shard);
    if (!parsed.ok) throw new Error(`defineScenarioTests: ${parsed.message.replace("--shard", "shard")}`);
    chosen = parsed.shard;
  } else chosen = shard;
  const mine: string[] = [];
  for (const file of files) {
    const loaded = await loadScenarioFile(file, scenarioSchema);
    if (inShard(loaded.ok ? loaded.value.id : relative(cwd, file), chosen)) mine.push(file);
  }
  return mine;
}
