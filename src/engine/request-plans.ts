import { requestTail } from "../audit/fragments.ts";
import { resolveChain, type ResolvedChain } from "../chain/resolve-chain.ts";
import type { EngineConfig, FallbackSettings } from "../config/settings.ts";
import { settingsFor } from "../config/settings-for.ts";
import type { ModelId } from "../core/model-id.ts";

/** What a request needs from the config before its first attempt: its settings and its configured chain. */
export interface RequestPlan {
  readonly settings: FallbackSettings;
  readonly resolved: ResolvedChain | { readonly error: string };
  /** The `fallback_request` line's fields for the configured chain, serialised once (`undefined` on an error). */
  readonly requestTail: string | undefined;
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
  /** The last plan handed out and its key: most engines serve one (agent, model) pair over and over. */
  #last:
    { readonly agent: string; readonly model: ModelId | undefined; readonly plan: RequestPlan } | undefined;

  constructor(config: EngineConfig) {
    this.#config = config;
  }

  planFor(agent: string, model: ModelId | undefined): RequestPlan {
    const last = this.#last;
    if (last !== undefined && last.agent === agent && last.model === model) return last.plan;
    const cached = this.#plans.get(agent)?.get(model);
    if (cached !== undefined) {
      this.#last = { agent, model, plan: cached };
      return cached;
    }
    const resolved = resolveChain(this.#config, model === undefined ? { agent } : { agent, model });
    const plan: RequestPlan = {
      settings: settingsFor(this.#config, agent),
      resolved,
      requestTail: "error" in resolved ? undefined : requestTail(resolved.chain, resolved.primary),
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
    this.#last = { agent, model, plan };
    return plan;
  }
}
