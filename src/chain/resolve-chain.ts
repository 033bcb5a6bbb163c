import type { EngineConfig } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";

/** Which of the SPEC §5 sources gave a request its chain, in the order they are consulted. */
export type ChainSource = "agent.models" | "chains.agent" | "chains.primary" | "chains.default" | "primary";

/** A resolved chain: never empty, no duplicates, the primary first whenever one was given. */
export interface ResolvedChain {
  readonly chain: readonly ModelId[];
  readonly primary: ModelId;
  readonly source: ChainSource;
}

/** What a chain is resolved for: the agent and, optionally, a model the caller asked for. */
export interface ChainRequest {
  readonly agent: string;
  readonly model?: ModelId;
}

/** An own entry of a record (so an agent named `constructor` never reads `Object.prototype`). */
function own<T>(record: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A list that is present and non-empty; an empty list never supplies a chain, so the next source is consulted. */
function nonEmpty(list: readonly ModelId[] | undefined): readonly ModelId[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

/**
 * Resolves a request's chain by the fixed source order of SPEC §5 (DECISION_126): with primary
 * `p = model ?? agent.a.model ?? model`, the first of `agent.a.models`, `chains[a]`, `chains[p]`,
 * `chains.default`, `[p]`. A given `p` missing from the chain is put first; duplicates keep their first place.
 * Without `p` the chain's head is the primary; without either the result is an error, never a throw.
 */
export function resolveChain(
  config: EngineConfig,
  request: ChainRequest,
): ResolvedChain | { readonly error: string } {
  const agent = own(config.agent, request.agent);
  const p = request.model ?? agent?.model ?? config.model;
  const sources: ReadonlyArray<readonly [ChainSource, readonly ModelId[] | undefined]> = [
    ["agent.models", nonEmpty(agent?.models)],
    ["chains.agent", nonEmpty(own(config.chains, request.agent))],
    ["chains.primary", nonEmpty(own(config.chains, p))],
    ["chains.default", nonEmpty(own(config.chains, "default"))],
    ["primary", p === undefined ? undefined : [p]],
  ];
  const found = sources.find(
    (entry): entry is readonly [ChainSource, readonly ModelId[]] => entry[1] !== undefined,
  );
  if (found === undefined) {
    return {
      error: `no model configured for agent "${request.agent}" (no explicit model, agent model, global model or chain)`,
    };
  }
  const [source, list] = found;
  const ordered = p !== undefined && !list.includes(p) ? [p, ...list] : list;
  const chain = [...new Set(ordered)];
  const primary = p ?? chain[0];
  // `found` came from a non-empty list, so the chain has a head; the check keeps the types honest.
  if (primary === undefined) return { error: `the chain for agent "${request.agent}" is empty` };
  return { chain, primary, source };
}
