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
