import { createAiSdkCaller, type EngineUnderTest } from "../../../src/index.ts";

/**
 * A deliberately broken engine: it calls the primary once and returns whatever text arrived, with no
 * fallback, no audit, and a truncated stream taken as success. The gate must fail it.
 */
const primaryOnly: EngineUnderTest = {
  name: "primary-only",
  create(ctx) {
    const caller = createAiSdkCaller({ endpoints: ctx.endpoints, fetch: ctx.fetch });
    return {
      async run(request) {
        const model = (request.model ?? ctx.config.model ?? "openai/gpt-4.1") as Parameters<
          typeof caller.call
        >[0]["model"];
        let text = "";
        for await (const part of caller.call({
          model,
          prompt: request.prompt,
          stream: request.stream,
          signal: request.signal ?? new AbortController().signal,
        })) {
          if (part.type === "text") text += part.text;
          if (part.type === "error")
            throw part.error instanceof Error ? part.error : new Error(JSON.stringify(part.error));
        }
        return { model, text, attempts: 1 };
      },
    };
  },
};

export default primaryOnly;
