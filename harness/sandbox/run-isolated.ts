import type { OracleConfig } from "../oracle/config-types.ts";
import type { ExecutionRecords } from "../runner/execute-scenario.ts";
import { finishRun, type ScenarioRun } from "../runner/run-scenario.ts";
import type { Scenario } from "../scenario/schema.ts";
import {
  DEFAULT_LIMITS,
  superviseIsolate,
  type IsolateLimits,
  type WarmIsolates,
} from "./supervise-isolate.ts";

/** One scenario to run in an isolate, with the judge's own reading of its config. */
export interface IsolatedRunOptions {
  readonly scenario: Scenario;
  readonly file: string;
  readonly seed: number;
  readonly transport: "inproc" | "loopback";
  readonly engineModule: string;
  /** The engine's name, when known before it loads (the isolate reports the name its module declares). */
  readonly engineName: string | null;
  /** The judge's config: read by the harness, never the engine's copy. */
  readonly config: OracleConfig;
  readonly limits?: IsolateLimits;
  /** `real`: the wall clock (the scenario's own clock otherwise). */
  readonly clock?: "virtual" | "real";
  readonly engineEnv?: Readonly<Record<string, string>>;
  readonly fleetPort?: number;
  /** A suite's warm workers: an eligible scenario runs in one (supervise-isolate.ts); else a fresh worker. */
  readonly warm?: WarmIsolates;
}

/** The engine's module could not be loaded at all: unusable input (exit 2), not a verdict on the engine. */
export class EngineLoadError extends Error {
  override readonly name = "EngineLoadError";
}

function emptyRecords(reason: string, faults: readonly string[]): ExecutionRecords {
  return {
    startMs: 0,
    requests: [],
    auditText: "",
    fleetCalls: [],
    fleetLogText: "",
    canonicalText: "",
    answers: {},
    engineError: reason,
    engineFaults: faults,
  };
}

/**
 * Runs a scenario's engine and fleet in an isolate (fresh, or warm with `warm`) and judges what came back. An isolate that died
 * (exited, ran out of memory, spun past the watchdog, flooded its output) gives an incomplete run whose
 * only verdict is the reason it died. A module that cannot be loaded throws {@link EngineLoadError}.
 */
export async function runIsolated(options: IsolatedRunOptions): Promise<ScenarioRun> {
  const outcome = await superviseIsolate(
    {
      scenario: options.scenario,
      file: options.file,
      seed: options.seed,
      transport: options.transport,
      engineModule: options.engineModule,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.engineEnv ? { engineEnv: options.engineEnv } : {}),
      ...(options.fleetPort !== undefined ? { fleetPort: options.fleetPort } : {}),
    },
    options.limits ?? DEFAULT_LIMITS,
    options.warm,
  );
  const engine =
    (outcome.kind === "load-failed" ? null : outcome.engineName) ?? options.engineName ?? "(unnamed engine)";
  const identity = { scenario: options.scenario, seed: options.seed, engine, config: options.config };
  switch (outcome.kind) {
    case "done": {
      const records = {
        ...outcome.records,
        engineFaults: [...outcome.records.engineFaults, ...outcome.faults],
      };
      return finishRun(identity, records);
    }
    case "load-failed":
      throw new EngineLoadError(outcome.message);
    case "died":
      return { ...finishRun(identity, emptyRecords(outcome.reason, outcome.faults)), incomplete: true };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}
