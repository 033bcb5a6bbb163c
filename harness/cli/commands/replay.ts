import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { formatProblems } from "../../../src/config/format-problems.ts";
import { loadConfigFile } from "../../../src/node/load-config-file.ts";
import { isAuditInputError } from "../../check/read-audit-lines.ts";
import { isSynthesizedLine } from "../../incident/incident-line.ts";
import { formatIncidentProblems, readIncidentLog } from "../../incident/read-incident-log.ts";
import type { Tolerance } from "../../replay/compare-decisions.ts";
import { formatReplay } from "../../replay/format-replay.ts";
import type { NumberedLine } from "../../replay/incident-calls.ts";
import { inferScenario, ReplayInputError, type KnownConfig } from "../../replay/infer-scenario.ts";
import { replayInferred } from "../../replay/replay-incident.ts";
import { scenarioYaml } from "../../replay/scenario-yaml.ts";
import { resolveEngineSource } from "../../sandbox/engine-source.ts";
import { ScenarioInputError } from "../../runner/run-scenario.ts";
import { scrubText } from "../../report/scrub.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableDir, checkWritableFile } from "../output-path.ts";

/** Arguments of `fallback-harness replay`. */
export interface ReplayArgs {
  readonly file: string;
  readonly config?: string;
  readonly engine?: string;
  /** Where the inferred scenario goes (default `scenarios/incidents/<id>.yaml`). */
  readonly out?: string;
  readonly seed?: number;
  /** Allowed difference of times once waits are taken out (waits are judged by the config's bounds). */
  readonly tolerance?: Tolerance;
  readonly reportDir?: string;
}

/**
 * Default tolerance of times that are not waits (arrival, latency): the replay reproduces both, but a
 * production clock and its timers are not exact. Waits need none: each is judged by the config's bounds.
 */
export const DEFAULT_TOLERANCE: Tolerance = { ms: 1_000, ratio: 0 };

/** `model-fallback.jsonl.gz` → `incident-model-fallback`. */
export function incidentId(file: string): string {
  const stem = basename(file)
    .replace(/\.gz$/, "")
    .replace(/\.jsonl?$/, "");
  const kebab = stem
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `incident-${kebab === "" ? "log" : kebab}`;
}

async function knownConfig(path: string, io: CliIo): Promise<KnownConfig | string> {
  const loaded = await loadConfigFile(resolve(io.cwd, path));
  if (!loaded.ok)
    return `${formatProblems(loaded.problems, path)}\nfallback-harness replay: the config ${path} is unusable; nothing was replayed.`;
  const raw: unknown = parseJsonc(await readFile(resolve(io.cwd, path), "utf8"), [], {
    allowTrailingComma: true,
  });
  return { raw: raw as Record<string, unknown>, parsed: loaded.config };
}

function fail(io: CliIo, message: string): ExitCode {
  io.stderr.write(`fallback-harness replay: ${message}\n`);
  return EXIT.badInput;
}

/**
 * `fallback-harness replay <audit.jsonl>`: infers the incident's scenario, writes it, replays it against
 * the engine and compares decisions. Exit 0 reproduced, 1 diverged, 2 unusable input (SPEC §11).
 */
export async function replayCommand(args: ReplayArgs, io: CliIo): Promise<ExitCode> {
  let config: KnownConfig | undefined;
  if (args.config !== undefined) {
    const known = await knownConfig(args.config, io);
    if (typeof known === "string") {
      io.stderr.write(`${known}\n`);
      return EXIT.badInput;
    }
    config = known;
  }
  // The engine runs isolated in a worker, as in `run`: whatever it does cannot end the replay unjudged.
  const resolved = await resolveEngineSource(args.engine, io.cwd);
  if (!resolved.ok) return fail(io, resolved.message);
  const engine = resolved.source;
  const id = incidentId(args.file);
  const out = resolve(io.cwd, args.out ?? join("scenarios", "incidents", `${id}.yaml`));
  const reportDir = resolve(io.cwd, args.reportDir ?? join("reports", `replay-${id}`));
  // Both are written after the replay ran; a path that cannot be written is bad input, found first.
  const unwritable = (await checkWritableFile(out)) ?? (await checkWritableDir(reportDir));
  if (unwritable !== null)
    return fail(
      io,
      `cannot write the replay's output there: ${unwritable}. Pass --out a file path and --report-dir a folder you can write to.`,
    );
  const lines: NumberedLine[] = [];
  let summary;
  try {
    summary = await readIncidentLog(resolve(io.cwd, args.file), (line) =>
      lines.push({
        line: line.line,
        audit: line.audit,
        ...(line.audit.event === "fallback_request" && isSynthesizedLine(line) ? { chainUnknown: true } : {}),
      }),
    );
  } catch (error) {
    if (isAuditInputError(error)) return fail(io, error.message);
    throw error;
  }
  if (summary.problems.length > 0) io.stderr.write(formatIncidentProblems(summary));
  // Lines of a request the reader had to complete arrive when it ends; `seq` keeps the engine's order.
  lines.sort((a, b) => a.audit.seq - b.audit.seq);
  const tolerance = args.tolerance ?? DEFAULT_TOLERANCE;
  try {
    const inferred = inferScenario(lines, {
      id,
      source: basename(args.file),
      ...(config === undefined ? {} : { config }),
      ...(args.seed === undefined ? {} : { seed: args.seed }),
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(
      out,
      scrubText(
        scenarioYaml(inferred.scenario, [
          `Inferred by fallback-harness replay from ${basename(args.file)} (${summary.format} format, ${summary.usedLines} of ${summary.totalLines} lines used).`,
          "The faults are what the log shows; the expectations pin what the engine decided.",
          "To prove a fix: keep the faults, change `expect` to what should have happened, run `fallback-harness run` on this file.",
        ]),
      ),
    );
    const result = await replayInferred(lines, inferred, {
      source: basename(args.file),
      id,
      ...(config === undefined ? {} : { config }),
      engine,
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      tolerance,
      scenarioFile: out,
    });
    await mkdir(reportDir, { recursive: true });
    const replayedAudit = join(reportDir, "replayed-audit.jsonl");
    await writeFile(replayedAudit, scrubText(result.run.auditText));
    await writeFile(
      join(reportDir, "comparison.json"),
      scrubText(`${JSON.stringify(result.comparison, null, 2)}\n`),
    );
    const traffic = Array.isArray(inferred.scenario.traffic) ? inferred.scenario.traffic.length : 0;
    io.stdout.write(
      formatReplay({
        log: args.file,
        scenarioPath: relative(io.cwd, out),
        engine: result.run.engine,
        requests: inferred.shape.requests.length,
        trafficLines: traffic,
        faults: inferred.scenario.faults.length,
        notes: inferred.notes,
        evidence: inferred.evidence,
        comparison: result.comparison,
        tolerance,
        replayedAudit: relative(io.cwd, replayedAudit),
      }),
    );
    if (result.run.engineError !== null)
      io.stderr.write(`fallback-harness replay: ${result.run.engineError}\n`);
    return result.comparison.same ? EXIT.ok : EXIT.checkFailed;
  } catch (error) {
    if (error instanceof ReplayInputError) return fail(io, `${args.file}: ${error.message}.`);
    if (error instanceof ScenarioInputError)
      return fail(
        io,
        `${args.file}: the inferred scenario cannot run: ${error.message}. Does --config match the engine that wrote the log?`,
      );
    throw error;
  }
}
