import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { formatShard } from "../runner/shard.ts";
import type { ReportInputs } from "./assemble-report.ts";
import { readShardFile, type ShardFile } from "./shard-file.ts";

/** Shards merged back into one suite's outcomes, in the unsharded run's order, and its report inputs. */
export interface MergedShards {
  readonly outcomes: readonly ScenarioOutcome[];
  readonly inputs: ReportInputs;
  readonly shards: readonly string[];
  /** Scenarios the shards skipped (`--clock real` past its budget), with why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The clock a shard's run was on: `real`, `virtual`, or each scenario its own when `--clock` was not given. */
function clockOf(file: ShardFile): string {
  const clock = file.settings.clock;
  return clock === "real" || clock === "virtual" ? `the ${clock} clock` : "each scenario's own clock";
}

/** The first setting two shards disagree on, as a message; null when they agree. */
function disagreement(a: ShardFile, aDir: string, b: ShardFile, bDir: string): string | null {
  if (a.shard.count !== b.shard.count)
    return `${aDir} is shard ${formatShard(a.shard)} but ${bDir} is shard ${formatShard(b.shard)}: shards of different splits`;
  // Real-time outcomes carry wall-clock timings and tolerances a virtual run has not: never one report.
  if (clockOf(a) !== clockOf(b))
    return `${aDir} ran on ${clockOf(a)} but ${bDir} on ${clockOf(b)}: shards of different clocks cannot be merged`;
  const keys = [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort();
  for (const key of keys)
    if (!same(a.settings[key], b.settings[key]))
      return `${aDir} ran with ${key} ${JSON.stringify(a.settings[key]) ?? "unset"} but ${bDir} with ${JSON.stringify(b.settings[key]) ?? "unset"}: shards of different runs`;
  if (!same(a.selection, b.selection))
    return `${aDir} and ${bDir} selected different scenarios (different files or tags): shards of different suites`;
  // The property section is run in shard 1 only, and an empty shard cannot know the engine's own name.
  const { properties: _pa, engine: engineA, ...restA } = a.inputs;
  const { properties: _pb, engine: engineB, ...restB } = b.inputs;
  if (a.outcomes.length > 0 && b.outcomes.length > 0 && engineA !== engineB)
    return `${aDir} ran engine "${engineA}" but ${bDir} ran "${engineB}": shards of different engines`;
  for (const key of [...new Set([...Object.keys(restA), ...Object.keys(restB)])].sort())
    if (!same((restA as Record<string, unknown>)[key], (restB as Record<string, unknown>)[key]))
      return `${aDir} and ${bDir} differ in ${key}: shards of different runs`;
  return null;
}

/**
 * Reads the shard folders and puts their outcomes back in the unsharded run's order. Shards of different
 * splits, settings (seed, engine, tier…) or suites, a scenario in two shards, a scenario in none, or a folder
 * without a shard file are problems (exit 2), all listed.
 */
export async function mergeShards(
  dirs: readonly string[],
  cwd: string,
): Promise<{ ok: true; merged: MergedShards } | { ok: false; problems: readonly string[] }> {
  if (dirs.length === 0) return { ok: false, problems: ["give the shard report folders"] };
  const problems: string[] = [];
  const shards: { dir: string; file: ShardFile }[] = [];
  for (const dir of dirs) {
    const read = await readShardFile(dir, cwd);
    if (read.ok) shards.push({ dir, file: read.file });
    else problems.push(read.message);
  }
  if (problems.length > 0) return { ok: false, problems };
  const [first, ...others] = shards;
  if (!first) return { ok: false, problems: ["no shard read"] };
  for (const other of others) {
    const problem = disagreement(first.file, first.dir, other.file, other.dir);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return { ok: false, problems };

  const order = new Map(first.file.selection.map((id, index) => [id, index]));
  const from = new Map<string, string>();
  const outcomes: ScenarioOutcome[] = [];
  for (const { dir, file } of shards)
    for (const outcome of file.outcomes) {
      const id = outcome.scenario.id;
      const earlier = from.get(id);
      if (earlier !== undefined) problems.push(`scenario "${id}" is in both ${earlier} and ${dir}`);
      else if (!order.has(id)) problems.push(`${dir}: scenario "${id}" is not in the suite's selection`);
      else {
        from.set(id, dir);
        outcomes.push(outcome);
      }
    }
  const skipped = shards.flatMap((s) => s.file.skipped ?? []);
  const accounted = new Set(skipped.map((s) => s.id));
  const missing = first.file.selection.filter((id) => !from.has(id) && !accounted.has(id));
  if (missing.length > 0) {
    const given = new Set(shards.map((s) => s.file.shard.index));
    const absent = Array.from({ length: first.file.shard.count }, (_, i) => i + 1).filter(
      (i) => !given.has(i),
    );
    problems.push(
      `${missing.length} scenario(s) in no given shard (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""})${absent.length > 0 ? `; shard(s) not given: ${absent.map((i) => `${i}/${first.file.shard.count}`).join(", ")}` : ""}`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };

  outcomes.sort((a, b) => (order.get(a.scenario.id) ?? 0) - (order.get(b.scenario.id) ?? 0));
  const properties = shards.find((s) => s.file.inputs.properties)?.file.inputs.properties;
  const { properties: _ignored, ...inputs } = first.file.inputs;
  return {
    ok: true,
    merged: {
      outcomes,
      // As `run` names the engine: from the first outcome, else what the (empty) shard knew.
      inputs: {
        ...inputs,
        engine: outcomes[0]?.run.engine ?? inputs.engine,
        ...(properties ? { properties } : {}),
      },
      shards: shards.map((s) => s.dir),
      skipped,
    },
  };
}
