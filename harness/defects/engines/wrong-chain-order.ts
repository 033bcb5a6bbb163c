import type { EngineConfig } from "../../../src/index.ts";
import { defectEngine } from "../kit/defect-engine.ts";

/**
 * Planted defect: wrong chain order. The engine reads `fallback.chains` and `agent.*.models` last-first (a
 * stack where a queue was meant), so the configured fallback is tried before the primary (SPEC §5).
 */
function reversed(config: EngineConfig): EngineConfig {
  const chains = Object.fromEntries(
    Object.entries(config.chains).map(([key, chain]) => [key, [...chain].reverse()]),
  );
  const agent = Object.fromEntries(
    Object.entries(config.agent).map(([name, a]) => [
      name,
      a.models === undefined ? a : { ...a, models: [...a.models].reverse() },
    ]),
  );
  return { ...config, chains, agent };
}

export default defectEngine({ name: "defect-wrong-chain-order", config: reversed });
