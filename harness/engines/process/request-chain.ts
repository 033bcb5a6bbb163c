import {
  isModelId,
  resolveChain,
  type EngineConfig,
  type EngineUnderTestRequest,
  type ModelId,
} from "../../../src/index.ts";

/** The models a process engine is told about for one request: the whole chain and the one it starts on. */
export interface RequestChain {
  readonly chain: readonly ModelId[];
  readonly primary: ModelId;
}

/**
 * The chain a request asks for, as every process-engine adapter reads it (SPEC §10.4): the request's model
 * checked, then resolved against the scenario's config as the reference engine would, so the engine is
 * configured with the same chain the oracle judges by. Throws what an in-process engine would reject with: a
 * TypeError for a malformed model id, an Error for a request no model is configured for.
 */
export function requestChain(
  config: EngineConfig,
  request: Pick<EngineUnderTestRequest, "agent" | "model">,
): RequestChain {
  const { model } = request;
  if (model !== undefined && !isModelId(model))
    throw new TypeError(`"${model}" is not a model id. Use provider/model.`);
  const resolved = resolveChain(config, { agent: request.agent, ...(model ? { model } : {}) });
  if ("error" in resolved) throw new Error(resolved.error);
  return { chain: resolved.chain, primary: resolved.chain[0] ?? resolved.primary };
}
