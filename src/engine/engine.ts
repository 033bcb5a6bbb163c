import { AuditWriter } from "../audit/writer.ts";
import { BreakerRegistry } from "../breaker/breaker-registry.ts";
import { PromotionTable } from "../chain/promotion.ts";
import type { EngineConfig } from "../config/settings.ts";
import type { Engine, EnginePorts, EngineShared } from "./engine-types.ts";
import { FailoverRequest } from "./failover-request.ts";
import { RequestPlans } from "./request-plans.ts";

export type { Engine, EnginePorts, EngineRequest, EngineResult, StreamDelta } from "./engine-types.ts";

/**
 * Creates the reference fallback engine. `config` comes from `parseConfig` or `loadConfigFile`; every port
 * is checked here so a wiring mistake fails at start-up with a clear message, not mid-request.
 */
export function createEngine(config: EngineConfig, ports: EnginePorts): Engine {
  const missing = (["clock", "random", "caller"] as const).filter(
    (key) => typeof ports[key] !== "object" || ports[key] === null,
  );
  if (missing.length > 0) {
    throw new TypeError(
      `Failed to create the engine: missing port(s) ${missing.join(", ")}. Pass { clock, random, caller } (see EnginePorts).`,
    );
  }
  if (
    typeof config !== "object" ||
    config === null ||
    typeof config.fallback !== "object" ||
    config.fallback === null
  ) {
    throw new TypeError(
      "Failed to create the engine: config is not a parsed EngineConfig. Pass the result of parseConfig(...).config.",
    );
  }
  // `?? undefined`: a JavaScript caller passing `null` means no audit too.
  const sink = ports.audit ?? undefined;
  let counter = 0;
  const nextRequestId = ports.requestId ?? ((): string => `req-${String(++counter).padStart(6, "0")}`);
  const shared: EngineShared = {
    config,
    ports,
    audit:
      sink === undefined
        ? undefined
        : new AuditWriter(sink, ports.clock, { validate: ports.validateAudit ?? false }),
    breakers: new BreakerRegistry(),
    promotions: new PromotionTable(),
    plans: new RequestPlans(config),
  };
  return {
    run: (request) => new FailoverRequest(shared, request, nextRequestId()).execute(),
    circuitState: (model) => shared.breakers.stateOf(model, ports.clock.now()),
    close: async () => {
      await sink?.close?.();
    },
  };
}
