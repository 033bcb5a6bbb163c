import type { EngineUnderTest } from "../../../src/index.ts";

/** A key of the shape OpenAI issues; fake, planted so the test can prove it never leaves the harness. */
export const PLANTED_KEY = "sk-proj-PLANTEDabcdefghijklmnop0123456789";

/**
 * An engine whose every request rejects with an upstream-style error that quotes credentials: a planted
 * `sk-…` key and the fleet's own key, over several lines, the way a careless engine echoes a 401. It also
 * writes the planted key into its audit log.
 */
const leaksAKey: EngineUnderTest = {
  name: "leaks-a-key",
  create(ctx) {
    const fleetKey = ctx.endpoints.openai?.apiKey ?? "no-openai-endpoint";
    const audit = "append" in ctx.audit ? ctx.audit : undefined;
    return {
      run: () => {
        // The key also goes into the audit log, which the report copies as the engine wrote it.
        audit?.append(`${JSON.stringify({ event: "debug", note: `called with ${PLANTED_KEY}` })}\n`);
        return Promise.reject(
          new Error(
            `401 Unauthorized: key ${fleetKey} rejected\nIncorrect API key provided: ${PLANTED_KEY}\nsent: { authorization: "Bearer ${PLANTED_KEY}" }`,
          ),
        );
      },
    };
  },
};

export default leaksAKey;
