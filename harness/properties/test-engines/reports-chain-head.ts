import { referenceEngine, resolveChain, type EngineUnderTest, type ModelId } from "../../../src/index.ts";

/**
 * Planted bug for the property suite: the reference engine, except that every success is reported as served
 * by the head of the request's configured chain, whichever model really answered (SPEC §6: the served
 * model is always reported correctly). Only requests that fell back show it, so a property must find one.
 */
const reportsChainHead: EngineUnderTest = {
  name: "planted-reports-chain-head",
  async create(ctx) {
    const inner = await referenceEngine.create(ctx);
    return {
      async run(request) {
        const result = await inner.run(request);
        const resolved = resolveChain(
          ctx.config,
          request.model === undefined
            ? { agent: request.agent }
            : { agent: request.agent, model: request.model as ModelId },
        );
        const head = "chain" in resolved ? resolved.chain[0] : undefined;
        return { ...result, model: head ?? result.model };
      },
      async close() {
        await inner.close?.();
      },
    };
  },
};

export default reportsChainHead;
