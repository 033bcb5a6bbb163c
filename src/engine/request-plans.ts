import { resolveChain, type ResolvedChain } from "../chain/resolve-chain.ts";
import type { EngineConfig, FallbackSettings } from "../config/settings.ts";
import { settingsFor } from "../config/settings-for.ts";
import type { ModelId } from "../core/model-id.ts";

/** What a request needs from the config before its first attempt: its settings and its configured chain. */
export interface RequestPlan {
  readonly settings: FallbackSettings;
  readonly resolved: ResolvedChain | { readonly error: string };
}

/** Beyond this many distinct (agent, model) pairs the cache starts over, so odd callers cannot grow it forever. */
const MAX_PLANS = 1_024;

/**
 * Settings and chain per (agent, explicit model), computed once per engine: both are pure functions of the
 * config, which the engine never changes after `createEngine`, and merging settings and resolving a chain on
 * every request was a measurable part of the success path.
 */
export class RequestPlans {
  readonly #config: EngineConfig;
  /** Agent → explicit model (or undefined) → plan. */
  readonly #plans = new Map<string, Map<ModelId | undefined, RequestPlan>>();
  #size = 0;

  constructor(config: EngineConfig) {
    this.#config = config;
  }

  planFor(agent: string, model: ModelId | undefined): RequestPlan {
    const cached = this.#plans.get(agent)?.get(model);
    if (cached !== undefined) return cached;
    const plan: RequestPlan = {
      settings: settingsFor(this.#config, agent),
      resolved: resolveChain(this.#config, model === undefined ? { agent } : { agent, model }),
    };
    if (this.#size >= MAX_PLANS) {
      this.#plans.clear();
      this.#size = 0;
    }
    let byModel = this.#plans.get(agent);
    if (byModel === undefined) {
      byModel = new Map();
      this.#plans.set(agent, byModel);
    }
    byModel.set(model, plan);
    this.#size++;
    return plan;
  }
}
