import { canonicalAnswerFor, DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import { createFleet } from "../fleet/fleet.ts";
import { isFleetProvider, type FleetProvider } from "../fleet/providers/types.ts";
import type { FleetFactory } from "./fleet-port.ts";

/** Options of {@link createFleetFactory}. */
export interface FleetFactoryOptions {
  /** In process: `direct` (default) hands engines a fetch that calls the fleet without msw (fleet.ts). */
  readonly fetchPath?: "direct" | "intercepted";
}

/** The runner's fleet: the msw-mocked providers of `harness/fleet`, serving exactly the scenario's models. */
export function createFleetFactory(factoryOptions: FleetFactoryOptions = {}): FleetFactory {
  return async (options) => {
    const models: Partial<Record<FleetProvider, readonly string[]>> = {};
    const answers: Record<string, string> = {};
    for (const [provider, names] of Object.entries(options.models)) {
      if (!isFleetProvider(provider)) continue;
      models[provider] = names;
      if (options.content === "canonical")
        for (const name of names) answers[`${provider}/${name}`] = canonicalAnswerFor(`${provider}/${name}`);
    }
    const fleet = await createFleet({
      clock: options.clock,
      seed: options.seed,
      transport: options.transport,
      faults: options.faults,
      content: options.content,
      models,
      ...(options.onStrayRequest ? { onStrayRequest: options.onStrayRequest } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(factoryOptions.fetchPath ? { fetchPath: factoryOptions.fetchPath } : {}),
    });
    return {
      endpoints: fleet.endpoints,
      fetch: fleet.fetch,
      canonicalText: DEFAULT_CANONICAL_TEXT,
      answers,
      calls: () =>
        fleet.log.map((e) => ({
          id: e.id,
          at: e.at,
          provider: e.provider,
          model: e.model,
          method: e.method,
          path: e.path,
          api: e.api,
          status: e.status,
          outcome: e.outcome,
          fault_kind: e.fault_kind,
          reason: e.reason,
          retry_after: { ...e.retry_after },
          ended_at: e.ended_at,
          request: e.request,
          answer: e.answer,
        })),
      progress: () => {
        let bytes = 0;
        let settled = 0;
        for (const e of fleet.log) {
          bytes += e.bytes;
          if (e.outcome !== "pending") settled++;
        }
        return `${fleet.log.length}/${settled}/${bytes}`;
      },
      logJsonl: () => fleet.log.map((e) => `${JSON.stringify(e)}\n`).join(""),
      restartScenario: () => fleet.setFaults(options.faults),
      close: () => fleet.close(),
    };
  };
}
