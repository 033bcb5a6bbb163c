import { parseConfig, settingsFor, type EngineConfig } from "../../src/index.ts";
import { durationText } from "../fleet/duration.ts";
import type { FaultBindingInput } from "../fleet/faults.ts";
import { isOracleReason, rowOf } from "../oracle/action-table.ts";
import type { MidStream } from "./fault-for-outcome.ts";
import { faultWindows, type ReplayNote } from "./fault-windows.ts";
import {
  shapeIncident,
  type IncidentCall,
  type IncidentRequest,
  type IncidentShape,
  type NumberedLine,
} from "./incident-calls.ts";
import { inferConfig } from "./infer-config.ts";

/**
 * Infers a scenario that reproduces an incident: the requests as traffic at the times and by the agents
 * the log shows, each model's failures as fault windows, recoveries where successes came back, and
 * expectations that pin what the engine decided. Proving a fix means keeping the faults and changing the
 * expectations to what should have happened.
 */

/** The config the incident ran with, when the user has it. */
export interface KnownConfig {
  /** As written in the file (it goes into the scenario verbatim). */
  readonly raw: Record<string, unknown>;
  readonly parsed: EngineConfig;
}

export interface InferOptions {
  /** The scenario id (kebab-case). */
  readonly id: string;
  /** Where the log came from, for the scenario's description. */
  readonly source: string;
  readonly config?: KnownConfig;
  readonly seed?: number;
}

/** A scenario as plain data, ready to be written as YAML and loaded by the scenario schema. */
export type ScenarioDocument = Record<string, unknown> & {
  readonly id: string;
  readonly faults: readonly FaultBindingInput[];
};

export interface InferredScenario {
  readonly scenario: ScenarioDocument;
  readonly shape: IncidentShape;
  readonly config: EngineConfig;
  /** What could not be reproduced exactly, with the log line it concerns. */
  readonly notes: readonly ReplayNote[];
  /** Settings read off the log when no config was given. */
  readonly evidence: readonly string[];
}

/** Thrown when the log holds nothing to replay or its inferred config is unusable. */
export class ReplayInputError extends Error {
  override readonly name = "ReplayInputError";
}

interface TrafficLine {
  agent: string;
  model?: string;
  at: number;
  count: number;
  every: number;
  cancel_after?: number;
}

function defaultPrimary(config: EngineConfig, agent: string): string | undefined {
  return config.agent[agent]?.model ?? config.model;
}

/** Consecutive requests of the same kind at even spacing share one traffic line, so order is kept exactly. */
function trafficOf(requests: readonly IncidentRequest[], config: EngineConfig): Record<string, unknown>[] {
  const lines: TrafficLine[] = [];
  for (const request of requests) {
    const model = request.primary === defaultPrimary(config, request.agent) ? undefined : request.primary;
    const cancel = request.cancelAfterMs ?? undefined;
    const last = lines.at(-1);
    const sameKind =
      last !== undefined &&
      last.agent === request.agent &&
      last.model === model &&
      last.cancel_after === cancel;
    if (sameKind && last.count === 1) {
      last.every = request.atMs - last.at;
      last.count = 2;
      continue;
    }
    if (sameKind && request.atMs - last.at === last.every * last.count) {
      last.count++;
      continue;
    }
    lines.push({
      agent: request.agent,
      ...(model === undefined ? {} : { model }),
      at: request.atMs,
      count: 1,
      every: 0,
      ...(cancel === undefined ? {} : { cancel_after: cancel }),
    });
  }
  return lines.map((line) => ({
    agent: line.agent,
    ...(line.model === undefined ? {} : { model: line.model }),
    at: durationText(line.at),
    count: line.count,
    ...(line.count > 1 ? { every: durationText(line.every) } : {}),
    ...(line.cancel_after === undefined ? {} : { cancel_after: durationText(line.cancel_after) }),
  }));
}

/** Per request what the engine decided; identical expectations share one entry with an index list. */
function expectationsOf(requests: readonly IncidentRequest[]): Record<string, unknown>[] {
  const groups = new Map<string, { body: Record<string, unknown>; indexes: number[] }>();
  for (const request of requests) {
    const end = request.terminal;
    if (end === null) continue;
    const body: Record<string, unknown> =
      end.event === "fallback_success"
        ? { outcome: "success", served_by: end.model, attempts: { min: end.attempt, max: end.attempt } }
        : {
            outcome: "error",
            exhausted_reason: end.reason,
            attempts: { min: end.attempts, max: end.attempts },
          };
    const key = JSON.stringify(body);
    const group = groups.get(key) ?? { body, indexes: [] };
    group.indexes.push(request.index);
    groups.set(key, group);
  }
  const all = requests.filter((r) => r.terminal !== null).length;
  return [...groups.values()].map(({ body, indexes }) =>
    indexes.length === all && all === requests.length
      ? body
      : { index: indexes.length === 1 ? indexes[0] : indexes, ...body },
  );
}

/** Under `mid_stream: fail` a retryable class that ended with `fail` failed after a token; otherwise the log cannot say. */
/**
 * The incident's decisions as exact audit counts: failures by model, reason and action; skips; circuit
 * transitions. `run` on the scenario then fails when an engine decides differently, and a fix is stated by
 * editing one of them (`action: retry` → `action: fallback`).
 */
function auditPins(lines: readonly NumberedLine[]): Record<string, unknown>[] {
  const counts = new Map<string, { match: Record<string, string>; n: number }>();
  const pin = (match: Record<string, string>): void => {
    const key = JSON.stringify(match);
    const entry = counts.get(key) ?? { match, n: 0 };
    entry.n++;
    counts.set(key, entry);
  };
  for (const { audit } of lines) {
    if (audit.event === "fallback_failure")
      pin({ event: audit.event, model: audit.model, reason: audit.reason, action: audit.action });
    else if (audit.event === "fallback_model_skipped")
      pin({ event: audit.event, model: audit.model, reason: audit.reason });
    else if (audit.event === "circuit_transition")
      pin({ event: audit.event, model: audit.model, to: audit.to });
  }
  return [...counts.values()].map(({ match, n }) => ({ ...match, count: { min: n, max: n } }));
}

function auditExpectations(present: Record<string, unknown>[]): {
  audit?: { present: Record<string, unknown>[] };
} {
  return present.length === 0 ? {} : { audit: { present } };
}

function midStreamJudge(config: EngineConfig): (call: IncidentCall) => MidStream {
  return (call) => {
    if (call.outcome.kind !== "failure") return "unknown";
    const failure = call.outcome.failure;
    const settings = settingsFor(config, failure.agent);
    if (settings.mid_stream !== "fail" || !isOracleReason(failure.reason)) return "unknown";
    const row = rowOf(failure.reason);
    if ((settings.actions[row.type] ?? row.action) === "fail") return "unknown";
    return failure.action === "fail" ? "yes" : "no";
  };
}

function parsedInferred(raw: Record<string, unknown>): EngineConfig {
  const result = parseConfig(raw);
  if (!result.ok) {
    throw new ReplayInputError(
      `the config inferred from the log is invalid (${result.problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ")}); pass the real one with --config`,
    );
  }
  return result.config;
}

/** Infers the scenario of an incident log given as lines in the order the engine wrote them. */
export function inferScenario(lines: readonly NumberedLine[], options: InferOptions): InferredScenario {
  const shape = shapeIncident(lines);
  if (shape.requests.length === 0) {
    throw new ReplayInputError("the log has no fallback_request line, so there is no request to replay");
  }
  const inferred =
    options.config === undefined
      ? inferConfig(
          shape,
          lines.map((l) => l.audit),
        )
      : undefined;
  const config = options.config?.parsed ?? parsedInferred(inferred?.config ?? {});
  const notes: ReplayNote[] = shape.orphanLines.map((line) => ({
    line,
    message: "belongs to a request whose fallback_request is not in the log; not replayed",
  }));
  const faults: FaultBindingInput[] = [];
  const judge = midStreamJudge(config);
  for (const [model, calls] of shape.callsByModel) {
    const windows = faultWindows(model, calls, judge);
    faults.push(...windows.bindings);
    notes.push(...windows.notes);
  }
  for (const request of shape.requests) {
    if (request.terminal === null)
      notes.push({
        line: request.line,
        message: `request ${request.requestId} has no terminal line (the log ends first); its outcome is not pinned`,
      });
  }
  const scenario: ScenarioDocument = {
    version: 1,
    id: options.id,
    title: `Replay of ${options.source}`,
    description: `Inferred by fallback-harness replay from ${options.source}: ${shape.requests.length} requests, faults as the log shows them. The expectations pin the decisions the engine made; to prove a fix, change them to what should have happened and keep the faults.`,
    tags: ["incident", "replay"],
    seed: options.seed ?? 1,
    config: options.config?.raw ?? inferred?.config ?? {},
    ...(shape.requests.some((r) => r.compacted) ? { compaction: true } : {}),
    traffic: trafficOf(shape.requests, config),
    faults,
    expect: { requests: expectationsOf(shape.requests), ...auditExpectations(auditPins(lines)) },
  };
  return { scenario, shape, config, notes, evidence: inferred?.evidence ?? [] };
}
