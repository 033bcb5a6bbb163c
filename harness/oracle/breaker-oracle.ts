import type { OracleBreakerSettings as BreakerSettings } from "./config-types.ts";
import {
  ORACLE_INITIAL_CIRCUIT,
  stepOracleBreaker,
  type OracleBreakerInput,
  type OracleBreakerStep,
  type OracleCircuit,
} from "./breaker-table.ts";

/**
 * The oracle's circuits, one per model, shared by every request of the log (SPEC §6). The checker feeds
 * it the permits and outcomes it reads, at the lines' timestamps, and compares what it says with the log.
 */
export class BreakerOracle {
  readonly #circuits = new Map<string, OracleCircuit>();

  /** The circuit of `model` as the oracle holds it now. */
  circuitOf(model: string): OracleCircuit {
    return this.#circuits.get(model) ?? ORACLE_INITIAL_CIRCUIT;
  }

  /** What `input` would do, without applying it. */
  preview(
    model: string,
    input: OracleBreakerInput,
    now: number,
    settings: BreakerSettings,
  ): OracleBreakerStep {
    return stepOracleBreaker(this.circuitOf(model), input, now, settings);
  }

  /** Applies `input` and returns the step. */
  apply(model: string, input: OracleBreakerInput, now: number, settings: BreakerSettings): OracleBreakerStep {
    const step = stepOracleBreaker(this.circuitOf(model), input, now, settings);
    this.#circuits.set(model, step.state);
    return step;
  }

  /**
   * The models `on_all_open: probe_soonest` may probe: the open ones whose cooldown ends first (ties are
   * all allowed; the reference takes the earliest in chain order, another engine may not).
   */
  soonest(models: readonly string[]): readonly string[] {
    let best = Number.POSITIVE_INFINITY;
    let found: string[] = [];
    for (const model of models) {
      const circuit = this.circuitOf(model);
      if (circuit.kind !== "open") continue;
      if (circuit.cooldownUntil < best) {
        best = circuit.cooldownUntil;
        found = [model];
      } else if (circuit.cooldownUntil === best) {
        found.push(model);
      }
    }
    return found;
  }
}
