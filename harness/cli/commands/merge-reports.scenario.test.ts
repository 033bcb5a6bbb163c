import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { htmlReport } from "../../report/html-report.ts";
import { RunReportSchema } from "../../report/report-schema.ts";
import { SHARD_FILE } from "../../report/shard-file.ts";
import { shardOfId } from "../../runner/shard.ts";
import { recordingIo } from "../cli-test-io.ts";
import { mergeReportsCommand } from "./merge-reports.ts";
import { runCommand, type RunArgs } from "./run.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
// One scenario in each of the three shards (checked below): small, because the machine is shared.
const SUITE = [
  "scenarios/failoverbench/s03-server-error-once.yaml",
  "scenarios/failoverbench/s01-rate-limit-retry-after.yaml",
  "scenarios/errors/timeout-408-retry.yaml",
];
const DEFECT = "harness/defects/engines/ignores-retry-after.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "fh-shards-"));
});

async function run(args: Omit<RunArgs, "paths">, dir: string): Promise<number> {
  const io = recordingIo({ CI: "true" }, repo);
  return runCommand({ paths: SUITE, reportDir: join(root, dir), ...args }, io, {
    cores: 2,
    wallNow: () => 0,
    extras: [htmlReport],
  });
}

async function merge(dirs: readonly string[], out: string): Promise<{ code: number; err: string }> {
  const io = recordingIo({ CI: "true" }, repo);
  const code = await mergeReportsCommand(
    { dirs: dirs.map((d) => join(root, d)), reportDir: join(root, out) },
    io,
    { extras: [htmlReport] },
  );
  return { code, err: io.err() };
}

/** Every file under `dir` (relative path → content), the shard file left out: an unsharded run has none. */
async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === SHARD_FILE) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(join(root, dir), path), await readFile(path, "utf8"));
  }
  return out;
}

// The report holds no wall time today; should one appear (a timestamp, a duration), it may differ.
const untimed = (text: string): string =>
  text
    .replace(/"(generated_at|started_at|finished_at|wall_ms|duration_ms)":\s*("[^"]*"|\d+)/g, '"$1":-')
    .replace(/time="[\d.]+"/g, 'time="-"');

async function expectSameReport(a: string, b: string): Promise<void> {
  const left = await files(a);
  const right = await files(b);
  expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
  for (const [file, content] of left) expect(untimed(right.get(file) ?? ""), file).toBe(untimed(content));
}

describe("run --shard i/n + merge-reports", () => {
  it("splits the suite one scenario a shard, by id", async () => {
    const ids = await Promise.all(
      SUITE.map(async (f) => /^id: (.+)$/m.exec(await readFile(join(repo, f), "utf8"))?.[1] ?? ""),
    );
    expect(ids.map((id) => shardOfId(id, 3))).toEqual([1, 2, 3]);
  });

  it("gives the unsharded run's report, byte for byte, and its exit code (reference engine)", async () => {
    const full = await run({}, "full");
    const shards = [];
    for (const index of [1, 2, 3]) shards.push(await run({ shard: { index, count: 3 } }, `shard-${index}`));
    for (const index of [1, 2, 3]) {
      const report = RunReportSchema.parse(
        JSON.parse(await readFile(join(root, `shard-${index}`, "report.json"), "utf8")),
      );
      expect(report.scenarios).toHaveLength(1);
    }
    const merged = await merge(["shard-3", "shard-1", "shard-2"], "merged");
    expect(merged.err).toBe("");
    // The merged exit code is the unsharded run's: 1 if any shard failed, else 0.
    expect(merged.code).toBe(full);
    expect(full).toBe(shards.some((c) => c !== 0) ? 1 : 0);
    await expectSameReport("full", "merged");
  }, 900_000);

  it("gives the same FAILs, re-audits and exit code 1 for a defective engine", async () => {
    const full = await run({ engine: DEFECT, seed: 5 }, "defect-full");
    for (const index of [1, 2, 3])
      await run({ engine: DEFECT, seed: 5, shard: { index, count: 3 } }, `d-${index}`);
    const merged = await merge(["d-1", "d-2", "d-3"], "defect-merged");
    const report = RunReportSchema.parse(
      JSON.parse(await readFile(join(root, "defect-merged", "report.json"), "utf8")),
    );
    expect(report.totals.failed).toBeGreaterThan(0);
    expect(report.scenarios.some((s) => s.reaudit !== null)).toBe(true);
    expect({ full, merged: merged.code }).toEqual({ full: 1, merged: 1 });
    await expectSameReport("defect-full", "defect-merged");
  }, 900_000);

  it("refuses shards that do not make one run: exit 2, nothing written", async () => {
    const missing = await merge(["shard-1", "shard-3"], "bad-missing");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/1 scenario\(s\) in no given shard .*shard\(s\) not given: 2\/3/);

    const twice = await merge(["shard-1", "shard-1", "shard-2", "shard-3"], "bad-twice");
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('scenario "s03-server-error-once" is in both');

    const engines = await merge(["shard-1", "d-2", "shard-3"], "bad-engines");
    expect(engines.code).toBe(2);
    expect(engines.err).toMatch(/ran with engine unset but .*d-2 with ".*ignores-retry-after.ts"/);

    // A shard of another seed: the same folder, its recorded seed changed.
    await cp(join(root, "shard-2"), join(root, "seed-9"), { recursive: true });
    const shardFile = join(root, "seed-9", SHARD_FILE);
    const stored = JSON.parse(await readFile(shardFile, "utf8")) as { settings: Record<string, unknown> };
    stored.settings.seed = 9;
    await writeFile(shardFile, JSON.stringify(stored));
    const seeds = await merge(["shard-1", "seed-9", "shard-3"], "bad-seed");
    expect(seeds.code).toBe(2);
    expect(seeds.err).toMatch(/ran with seed unset but .*seed-9 with 9/);

    const unsharded = await merge(["full"], "bad-unsharded");
    expect(unsharded.code).toBe(2);
    expect(unsharded.err).toContain(`no ${SHARD_FILE} here`);

    expect(await readdir(root)).not.toContain("bad-missing");
  });
});
