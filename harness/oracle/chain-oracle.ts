import type { OracleConfig as EngineConfig } from "./config-types.ts";

function own<T>(record: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function nonEmpty(list: readonly string[] | undefined): readonly string[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

/**
 * SPEC §5 (DECISION_126), the oracle's own reading: for agent `a` and primary `p`, the first non-empty of
 * `agent.a.models`, `chains[a]`, `chains[p]`, `chains.default`, `[p]`; `p` put first when missing;
 * duplicates dropped, first kept. `p` undefined means no primary was configured or asked for.
 */
export function oracleResolveChain(
  config: EngineConfig,
  agent: string,
  primary: string | undefined,
): readonly string[] | undefined {
  const agentConfig = own(config.agent, agent);
  const list =
    nonEmpty(agentConfig?.models) ??
    nonEmpty(own(config.chains, agent)) ??
    nonEmpty(own(config.chains, primary)) ??
    nonEmpty(own(config.chains, "default")) ??
    (primary === undefined ? undefined : [primary]);
  if (list === undefined) return undefined;
  const ordered = primary !== undefined && !list.includes(primary) ? [primary, ...list] : list;
  return [...new Set(ordered)];
}

/**
 * The configured chains a request line may show for `agent` and its logged `primary`. The log cannot say
 * whether the primary was asked for explicitly or came from the config, so when the config names no primary
 * for the agent both readings are offered.
 */
export function configuredChainsFor(
  config: EngineConfig,
  agent: string,
  primary: string,
): readonly (readonly string[])[] {
  const chains: (readonly string[])[] = [];
  const explicit = oracleResolveChain(config, agent, primary);
  if (explicit !== undefined) chains.push(explicit);
  const configuredPrimary = own(config.agent, agent)?.model ?? config.model;
  if (configuredPrimary === undefined) {
    const implicit = oracleResolveChain(config, agent, undefined);
    if (implicit !== undefined && implicit[0] === primary) chains.push(implicit);
  }
  return chains;
}

/**
 * Preferred-model rotation as the oracle tracks it from the log (SPEC §5): a `fallback_promoted` line puts
 * its model at the head of the agent's chain until `until` (exclusive); a failure of that model by the agent
 * ends it at once.
 */
export class PromotionOracle {
  readonly #byAgent = new Map<string, { readonly model: string; readonly until: number }>();

  /** Records a promotion. */
  promote(agent: string, model: string, until: number): void {
    this.#byAgent.set(agent, { model, until });
  }

  /** The promoted model failed for this agent: the configured order returns. */
  demote(agent: string, model: string): void {
    if (this.#byAgent.get(agent)?.model === model) this.#byAgent.delete(agent);
  }

  /** `chain` with the agent's live promoted model moved to the head (when it is in `chain`). */
  effective(agent: string, chain: readonly string[], now: number): readonly string[] {
    const promotion = this.#byAgent.get(agent);
    if (promotion === undefined) return chain;
    if (now >= promotion.until) {
      this.#byAgent.delete(agent);
      return chain;
    }
    if (!chain.includes(promotion.model) || chain[0] === promotion.model) return chain;
    return [promotion.model, ...chain.filter((model) => model !== promotion.model)];
  }
}
