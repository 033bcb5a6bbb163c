import {
  createAiSdkCaller,
  createEngine,
  createRandom,
  parseConfig,
  systemClock,
  type AuditSink,
  type Clock,
  type Engine,
  type EngineConfig,
} from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import { createFleet, type Fleet } from "../fleet/fleet.ts";
import { FALLBACK, PRIMARY } from "./chain-calls.ts";

/** Default breakers (3 failures in an hour open for an hour) shared by every request; no retries. */
export function scaleConfig(): EngineConfig {
  const parsed = parseConfig({
    model: PRIMARY,
    fallback: { chains: { default: [PRIMARY, FALLBACK] }, max_retries: 0 },
  });
  if (!parsed.ok)
    throw new Error(
      `Failed to build the scale config: ${parsed.problems.map((p) => p.message).join("; ")}. Fix scaleConfig.`,
    );
  return parsed.config;
}

/**
 * The scale fleet, shared by the bench and the probe: in process, every answer the canonical text after a
 * fixed `latencyMs` wait on `clock`, and 30 % of primary calls a 500, so the shared breaker trips under
 * concurrency.
 */
export function createScaleFleet(clock: Clock, latencyMs: number): Promise<Fleet> {
  return createFleet({
    clock,
    seed: 8,
    transport: "inproc",
    content: "canonical",
    canonicalText: DEFAULT_CANONICAL_TEXT,
    faults: [
      { target: "*", fault: { kind: "latency", distribution: { type: "fixed", ms: latencyMs } } },
      { target: PRIMARY, fault: { kind: "http_error", reason: "server_error" }, when: { probability: 0.3 } },
    ],
  });
}

/** One reference engine on the real clock, AI SDK caller to `fleet`, audit to `audit`. */
export function createScaleEngine(config: EngineConfig, fleet: Fleet, audit: AuditSink): Engine {
  return createEngine(config, {
    clock: systemClock,
    random: createRandom(8),
    caller: createAiSdkCaller({
      endpoints: { openai: fleet.endpoints.openai, anthropic: fleet.endpoints.anthropic },
      fetch: fleet.fetch,
    }),
    audit,
  });
}

/**
 * Counts audit lines lost: requests the engine returned or threw for that lack exactly one
 * `fallback_request` and one terminal line, plus every gap or repeat in `seq`. A line written half or not
 * at all shows up here whatever the checker thinks of the rest.
 */
export function countLostLines(text: string, settled: number): { lines: number; lost: number } {
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  let expectedSeq = 1;
  let seqProblems = 0;
  let lines = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    lines++;
    let row: { seq?: unknown; event?: unknown; request_id?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      seqProblems++;
      continue;
    }
    if (row.seq !== expectedSeq) seqProblems++;
    expectedSeq = typeof row.seq === "number" ? row.seq + 1 : expectedSeq + 1;
    const id = String(row.request_id);
    if (row.event === "fallback_request") starts.set(id, (starts.get(id) ?? 0) + 1);
    if (row.event === "fallback_success" || row.event === "fallback_exhausted")
      ends.set(id, (ends.get(id) ?? 0) + 1);
  }
  let incomplete = Math.abs(settled - starts.size);
  for (const [id, n] of starts) if (n !== 1 || ends.get(id) !== 1) incomplete++;
  return { lines, lost: incomplete + seqProblems };
}
