import { parseConfig, type EngineConfig } from "../../src/index.ts";
import { AuditLogBuilder } from "../check/audit-log-builder.ts";
import type { IncidentFormat, IncidentLine, IncidentReadSummary } from "../incident/incident-line.ts";
import { parseAuditLine } from "../oracle/audit-schema.ts";
import { createTriage, type TriageOptions } from "./create-triage.ts";
import type { TriageFindings } from "./triage-findings.ts";

/** The checker's log builder, re-exported: tests build incidents with it. */
export { AuditLogBuilder };

/** What to mark on the built lines, by 1-based line number. */
export interface IncidentMarks {
  readonly format?: IncidentFormat;
  readonly derived?: Readonly<Record<number, readonly string[]>>;
}

/**
 * Turns JSONL lines (a built log's) into the IncidentLines a reader would hand over: each validated against
 * SPEC §8, numbered from 1. A line that does not fit is a mistake in the test, so it throws with the reason.
 */
export function incidentLines(lines: readonly string[], marks: IncidentMarks = {}): IncidentLine[] {
  return lines.map((text, index) => {
    const parsed = parseAuditLine(JSON.parse(text));
    if (!parsed.ok)
      throw new Error(
        `Failed to build the incident line ${index + 1}: ${parsed.problem.message}. Fix the test's log.`,
      );
    return {
      line: index + 1,
      format: marks.format ?? "spec",
      audit: parsed.line,
      derived: marks.derived?.[index + 1] ?? [],
    };
  });
}

/** Triage of a built log, in one call. */
export function triageOf(
  log: AuditLogBuilder | readonly string[],
  options: TriageOptions & { marks?: IncidentMarks; read?: IncidentReadSummary } = {},
): TriageFindings {
  const triage = createTriage(options);
  for (const line of incidentLines(log instanceof AuditLogBuilder ? log.lines() : log, options.marks))
    triage.feed(line);
  return triage.finish(options.read);
}

/** The primary of {@link CHAIN}. */
export const PRIMARY = "openai/gpt-4.1";
/** The backup model of {@link CHAIN}. */
export const BACKUP = "anthropic/claude-sonnet-4-5";
/** The two-model chain most tests use. */
export const CHAIN = [PRIMARY, BACKUP] as const;

/** `n` requests served by the primary at once, one every `everyMs`. */
export function servedByPrimary(
  log: AuditLogBuilder,
  ids: readonly string[],
  everyMs = 1_000,
  agent = "build",
): AuditLogBuilder {
  for (const id of ids) {
    log.request(id, CHAIN, { agent }).attempt(id, PRIMARY).success(id, { latency_ms: 300 }).advance(everyMs);
  }
  return log;
}

/** A request whose primary fails with 500 and whose backup serves it. */
export function servedByBackup(log: AuditLogBuilder, id: string, agent = "build"): AuditLogBuilder {
  return log
    .request(id, CHAIN, { agent })
    .attempt(id, PRIMARY)
    .failure(id, "server_error", "fallback", { status: 500 })
    .attempt(id, BACKUP)
    .success(id, { latency_ms: 400 });
}

/** A half-open probe on the primary: it fails and reopens (cooldown again), or succeeds and closes. */
export function probe(log: AuditLogBuilder, id: string, ok: boolean, cooldownMs: number): AuditLogBuilder {
  log.request(id, CHAIN).transition(id, PRIMARY, "open", "half_open", {
    failures: 3,
    cooldownUntil: null,
    cause: "cooldown_elapsed",
  });
  if (ok)
    return log
      .attempt(id, PRIMARY)
      .transition(id, PRIMARY, "half_open", "closed", {
        failures: 0,
        cooldownUntil: null,
        cause: "probe_success",
      })
      .success(id);
  return log
    .attempt(id, PRIMARY)
    .failure(id, "unavailable", "fallback", { status: 503 })
    .transition(id, PRIMARY, "half_open", "open", {
      failures: 1,
      cooldownUntil: log.now + cooldownMs,
      cause: "unavailable",
    })
    .attempt(id, BACKUP)
    .success(id);
}

/** The primary trips at once, then `probes` half-open probes one cooldown apart. */
export function tripThenProbes(probes: readonly boolean[], cooldownMs = 60_000): AuditLogBuilder {
  const log = new AuditLogBuilder();
  log
    .request("r0", CHAIN)
    .attempt("r0", PRIMARY)
    .failure("r0", "server_error", "fallback", { status: 500 })
    .transition("r0", PRIMARY, "closed", "open", {
      failures: 3,
      cooldownUntil: log.now + cooldownMs,
      cause: "server_error",
    })
    .attempt("r0", BACKUP)
    .success("r0");
  probes.forEach((ok, i) => probe(log.advance(cooldownMs), `p${i + 1}`, ok, cooldownMs));
  return log;
}

/** Parses a config for a test, as `--config` would; a config the test got wrong throws with the problems. */
export function testConfig(raw: unknown): EngineConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok)
    throw new Error(
      `Failed to parse the test config: ${parsed.problems.map((p) => p.message).join("; ")}. Fix the test.`,
    );
  return parsed.config;
}
