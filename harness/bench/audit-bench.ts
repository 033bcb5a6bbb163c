import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import {
  createEngine,
  JsonlFileSink,
  createRandom,
  settingsFor,
  systemClock,
  type ModelCallPart,
} from "../../src/index.ts";
import { checkAuditFile } from "../check/check-audit.ts";
import { readAuditLines } from "../check/read-audit-lines.ts";
import { readIncidentLog } from "../incident/read-incident-log.ts";
import type { AuditSection } from "./bench-report.ts";
import { generateAuditLines, generatorConfig, recordTemplates } from "./audit-log-generator.ts";
import { PRIMARY, PROMPT, serverError, STUB_TEXT } from "./chain-calls.ts";
import { startMemorySampler } from "./memory-sampler.ts";

/** Bounds of the audit bench. */
export interface AuditBenchOptions {
  /** Lines of the generated log (issue 8: a million). */
  readonly lines: number;
  /** Requests run through engine → writer → file sink for the end-to-end write rate. */
  readonly engineRequests: number;
}

/** Lines per second, rounded. */
function rate(lines: number, ms: number): number {
  return Math.round(lines / (Math.max(ms, 0.001) / 1000));
}

/**
 * Reads the file the way `check` does (same reader, same chunks) and JSON.parses every line: the unit the
 * checker's time is compared with, measured in the same run so machine speed and load cancel out.
 */
async function readAndParseMs(path: string): Promise<number> {
  const started = performance.now();
  const source = await readAuditLines(path);
  for await (const batch of source.batches)
    for (const line of batch) if (typeof line === "string") JSON.parse(line);
  return performance.now() - started;
}

/** Engine → AuditWriter → JsonlFileSink on a stub caller and the real clock: lines a running engine logs per second. */
async function engineWriteRate(path: string, requests: number): Promise<number> {
  const sink = JsonlFileSink.open(path);
  let calls = 0;
  const engine = createEngine(generatorConfig(), {
    clock: systemClock,
    random: createRandom(1),
    audit: sink,
    caller: {
      async *call(request): AsyncGenerator<ModelCallPart> {
        await Promise.resolve();
        if (request.model === PRIMARY && ++calls % 3 === 0) throw serverError(request.model);
        yield { type: "text", text: STUB_TEXT };
        yield { type: "finish", finishReason: "stop" };
      },
    },
  });
  const started = performance.now();
  for (let i = 0; i < requests; i++) await engine.run({ agent: "build", prompt: PROMPT, stream: false });
  const elapsed = performance.now() - started;
  await engine.close();
  const lines = readFileSync(path, "utf8").split("\n").length - 1;
  return rate(lines, elapsed);
}

/**
 * Audit throughput (issue 8 §4): writes a `lines`-line log through `JsonlFileSink` to a temp file (lines
 * generated from the engine's own output, see audit-log-generator.ts), then checks it with the audit
 * checker while RSS and heap are sampled. The temp directory is removed afterwards.
 */
export async function benchAudit(
  options: AuditBenchOptions,
  progress: (line: string) => void,
): Promise<AuditSection> {
  const dir = mkdtempSync(join(tmpdir(), "fallback-bench-audit-"));
  try {
    const path = join(dir, "audit.jsonl");
    const templates = await recordTemplates();
    progress(`audit: writing ${options.lines} lines`);
    const sink = JsonlFileSink.open(path);
    let written = 0;
    let appendMs = 0;
    for (const chunk of generateAuditLines(templates, options.lines)) {
      const started = performance.now();
      for (const line of chunk) sink.append(line);
      appendMs += performance.now() - started;
      written += chunk.length;
    }
    await sink.close();
    if (sink.failed || sink.dropped > 0)
      throw new Error(
        `Failed to write the bench audit log: ${sink.dropped} lines dropped. Check free space in ${dir}.`,
      );
    const bytes = statSync(path).size;

    progress(`audit: reading and JSON.parse of ${written} lines (the checker's unit)`);
    const parseMs = await readAndParseMs(path);
    progress(`audit: checking ${written} lines`);
    const config = generatorConfig();
    const sampler = startMemorySampler();
    const started = performance.now();
    const result = await checkAuditFile(path, { settingsFor: (agent) => settingsFor(config, agent), config });
    const checkMs = performance.now() - started;
    const peak = sampler.stop();

    progress(`audit: reading ${written} lines as triage and replay do`);
    const replayStarted = performance.now();
    let replayed = 0;
    await readIncidentLog(path, () => {
      replayed += 1;
    });
    const replayMs = performance.now() - replayStarted;
    if (replayed === 0)
      throw new Error(`Failed to read the bench audit log ${path} as an incident log: no line came out.`);

    progress(`audit: engine → writer → sink for ${options.engineRequests} requests`);
    const engineRate = await engineWriteRate(join(dir, "engine.jsonl"), options.engineRequests);
    return {
      lines: written,
      bytes,
      engineWriteLinesPerSec: engineRate,
      sinkWriteLinesPerSec: rate(written, appendMs),
      checkLinesPerSec: rate(result.lines, checkMs),
      parseLinesPerSec: rate(result.lines, parseMs),
      checkPerParse: checkMs / Math.max(parseMs, 0.001),
      replayPerParse: replayMs / Math.max(parseMs, 0.001),
      checkOk: result.ok,
      checkViolations: result.violationCount,
      peakRssMb: peak.rssMb,
      peakHeapMb: peak.heapMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
