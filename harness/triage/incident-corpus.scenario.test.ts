import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { EngineConfig } from "../../src/index.ts";
import { loadConfigFile } from "../../src/node/load-config-file.ts";
import { recordingIo } from "../cli/cli-test-io.ts";
import { replayCommand } from "../cli/commands/replay.ts";
import type { IncidentReadResult } from "../incident/incident-reader.ts";
import { readIncidentLog } from "../incident/read-incident-log.ts";
import type { DecisionComparison } from "../replay/compare-decisions.ts";
import { createTriage } from "./create-triage.ts";
import type { TriageFindings } from "./triage-findings.ts";

/**
 * The shipped incident corpus (fixtures/incidents/README.md) against its expectations in
 * fixtures/incidents/expected.json: each log read and triaged as `fallback-harness triage --config` does,
 * and replayed as `fallback-harness replay` does, with the exit code and first divergence it must give.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CORPUS = join(ROOT, "fixtures/incidents");
const EXPECTED_FILE = join(CORPUS, "expected.json");

const count = z.number().int().min(0);
const breakerSchema = z.strictObject({
  opened: count,
  halfOpened: count,
  reopened: count,
  closed: count,
  stateAtEnd: z.enum(["closed", "open", "half_open"]),
});
const primarySchema = z.strictObject({
  outages: count,
  ongoing: z.boolean(),
  first: z
    .strictObject({ backAfterMs: count.nullable(), servedElsewhere: count, endedInError: count })
    .nullable(),
});
const replayRunSchema = z.strictObject({
  engine: z.string().optional(),
  seed: z.number().int().optional(),
  exit: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  firstDivergence: z.strictObject({ request: count, step: count, kind: z.string() }).optional(),
  reason: z.string().optional(),
});
const entrySchema = z.strictObject({
  file: z.string(),
  origin: z.enum(["generated", "opencode"]),
  what: z.string(),
  config: z.string().nullable(),
  triage: z.strictObject({
    lines: z.strictObject({ total: count, used: count }),
    totals: z.strictObject({
      requests: count,
      served: count,
      servedByFallback: count,
      endedInError: count,
      unfinished: count,
      attempts: count,
      failures: count,
      skips: count,
      transitions: count,
    }),
    failures: z.record(z.string(), z.record(z.string(), count)),
    breakers: z.record(z.string(), breakerSchema),
    returnToPrimary: z.record(z.string(), primarySchema),
    errors: z.strictObject({
      byReason: z.record(z.string(), count),
      unrecovered: z.record(z.string(), count),
    }),
    actions: z.array(z.strictObject({ id: z.string(), subject: z.string().nullable() })),
    problems: z.array(
      z.strictObject({ line: count, kind: z.string(), severity: z.enum(["error", "warning"]) }),
    ),
    unfinishedLines: z.array(count).optional(),
  }),
  replay: z.array(replayRunSchema).min(1),
});
const expectedSchema = z.strictObject({ $comment: z.string(), logs: z.array(entrySchema).min(1) });

type CorpusEntry = z.infer<typeof entrySchema>;
type ReplayRun = z.infer<typeof replayRunSchema>;

function loadExpected(text: string): CorpusEntry[] {
  const parsed = expectedSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `$.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(
      `Failed to read ${EXPECTED_FILE}: ${issues}. Fix the file (its $comment says what each field holds).`,
    );
  }
  return parsed.data.logs;
}

const ENTRIES = loadExpected(await readFile(EXPECTED_FILE, "utf8"));

/** Replay folders (scenario, replayed audit, comparison), removed when the file is done. */
const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function configOf(entry: CorpusEntry): Promise<EngineConfig | undefined> {
  if (entry.config === null) return undefined;
  const loaded = await loadConfigFile(join(CORPUS, entry.config));
  if (!loaded.ok)
    throw new Error(
      `Failed to load ${entry.config}: ${loaded.problems.map((p) => p.message).join("; ")}. Fix the corpus config.`,
    );
  return loaded.config;
}

interface Triaged {
  readonly findings: TriageFindings;
  readonly read: IncidentReadResult;
  /** Line numbers that reached the triage (a synthesized line carries the number of the line it stands for). */
  readonly usedLineNumbers: ReadonlySet<number>;
}

/** What `fallback-harness triage --config` computes, without the report files. */
async function triage(entry: CorpusEntry): Promise<Triaged> {
  const config = await configOf(entry);
  const run = createTriage(config === undefined ? { file: entry.file } : { file: entry.file, config });
  const usedLineNumbers = new Set<number>();
  const read = await readIncidentLog(join(CORPUS, entry.file), (line) => {
    usedLineNumbers.add(line.line);
    run.feed(line);
  });
  return { findings: run.finish(read), read, usedLineNumbers };
}

function failuresByModel(findings: TriageFindings): Record<string, Record<string, number>> {
  return Object.fromEntries(
    findings.models
      .filter((m) => m.failures > 0)
      .map((m) => [m.model, Object.fromEntries(m.byReason.map((r) => [r.reason, r.count]))]),
  );
}

function breakersByModel(findings: TriageFindings): Record<string, z.infer<typeof breakerSchema>> {
  return Object.fromEntries(
    findings.breakers.map((b) => [
      b.model,
      {
        opened: b.opened,
        halfOpened: b.halfOpened,
        reopened: b.reopened,
        closed: b.closed,
        stateAtEnd: b.stateAtEnd,
      },
    ]),
  );
}

function returnToPrimary(findings: TriageFindings): Record<string, z.infer<typeof primarySchema>> {
  return Object.fromEntries(
    findings.returnToPrimary.map((p) => [
      p.primary,
      {
        outages: p.outages,
        ongoing: p.ongoing !== null,
        first:
          p.first === null
            ? null
            : {
                backAfterMs: p.first.durationMs,
                servedElsewhere: p.first.servedElsewhere,
                endedInError: p.first.endedInError,
              },
      },
    ]),
  );
}

function byKey<T extends { readonly id: string; readonly subject: string | null }>(a: T, b: T): number {
  const ka = `${a.id} ${a.subject ?? ""}`;
  const kb = `${b.id} ${b.subject ?? ""}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function runTitle(run: ReplayRun): string {
  const engine = run.engine === undefined ? "the reference engine" : run.engine;
  return `${engine}${run.seed === undefined ? "" : `, seed ${run.seed}`}`;
}

/** `fallback-harness replay <log> [--config] [--engine] [--seed]`, its scenario and report in a temp folder. */
async function replay(
  entry: CorpusEntry,
  run: ReplayRun,
  dir: string,
): Promise<{ code: number; out: string; err: string; comparison: DecisionComparison }> {
  const io = recordingIo({}, ROOT);
  const reportDir = join(dir, "report");
  const code = await replayCommand(
    {
      file: join(CORPUS, entry.file),
      ...(entry.config === null ? {} : { config: join(CORPUS, entry.config) }),
      ...(run.engine === undefined ? {} : { engine: run.engine }),
      ...(run.seed === undefined ? {} : { seed: run.seed }),
      out: join(dir, "incident.yaml"),
      reportDir,
    },
    io,
  );
  const comparison = JSON.parse(
    await readFile(join(reportDir, "comparison.json"), "utf8"),
  ) as DecisionComparison;
  return { code, out: io.out(), err: io.err(), comparison };
}

describe.each(ENTRIES.map((entry) => [entry.file, entry] as const))("incident corpus: %s", (_file, entry) => {
  let triaged: Triaged;
  beforeAll(async () => {
    triaged = await triage(entry);
  });

  it("reads every line, and reports each one it cannot use with its line number and kind", () => {
    const { read, usedLineNumbers } = triaged;
    expect({ total: read.totalLines, used: read.usedLines }).toEqual(entry.triage.lines);
    expect(read.problems.map((p) => ({ line: p.line, kind: p.kind, severity: p.severity }))).toEqual(
      entry.triage.problems,
    );
    expect(triaged.findings.quality.problems.map((p) => p.line)).toEqual(
      entry.triage.problems.map((p) => p.line),
    );
    // Nothing silently dropped: each line of the file reached the triage or has a problem of its own.
    const problemLines = new Set(read.problems.map((p) => p.line));
    const unaccounted = Array.from({ length: read.totalLines }, (_, i) => i + 1).filter(
      (n) => !usedLineNumbers.has(n) && !problemLines.has(n),
    );
    expect(unaccounted).toEqual([]);
  });

  it("counts the requests, their outcomes and the failures per model and reason", () => {
    const { findings } = triaged;
    expect(findings.totals).toMatchObject(entry.triage.totals);
    expect(failuresByModel(findings)).toEqual(entry.triage.failures);
    expect(Object.fromEntries(findings.errors.byReason.map((r) => [r.reason, r.count]))).toEqual(
      entry.triage.errors.byReason,
    );
    expect(Object.fromEntries(findings.errors.unrecovered.map((u) => [u.agent, u.count]))).toEqual(
      entry.triage.errors.unrecovered,
    );
    if (entry.triage.unfinishedLines !== undefined)
      expect(findings.quality.unfinished.examples.map((e) => e.line)).toEqual(entry.triage.unfinishedLines);
  });

  it("follows each circuit (probes, reopens) and the time to get back to each primary", () => {
    expect(breakersByModel(triaged.findings)).toEqual(entry.triage.breakers);
    expect(returnToPrimary(triaged.findings)).toEqual(entry.triage.returnToPrimary);
  });

  it(`suggests exactly ${entry.triage.actions.map((a) => a.id).join(", ") || "nothing"}`, () => {
    const actions = triaged.findings.actions.map((a) => ({ id: a.id, subject: a.model ?? a.agent }));
    expect([...actions].sort(byKey)).toEqual([...entry.triage.actions].sort(byKey));
  });

  it.each(entry.replay.map((run) => [runTitle(run), run] as const))(
    `replays with %s and exits as expected`,
    async (_title, run) => {
      const dir = await mkdtemp(join(tmpdir(), "incident-corpus-"));
      tempDirs.push(dir);
      const result = await replay(entry, run, dir);
      expect(result.code, result.out).toBe(run.exit);
      expect(result.comparison.requests).toBe(entry.triage.totals.requests);
      expect(result.comparison.same).toBe(run.exit === 0);
      expect(
        result.comparison.first === null
          ? null
          : {
              request: result.comparison.first.request,
              step: result.comparison.first.step,
              kind: result.comparison.first.kind,
            },
      ).toEqual(run.firstDivergence ?? null);
      // The reader's problems are printed, one per line; a clean log prints nothing on stderr.
      expect(result.err.split("\n").filter((l) => l !== "").length).toBe(entry.triage.problems.length);
      for (const problem of entry.triage.problems) expect(result.err).toContain(`:${problem.line}: `);
    },
  );
});
