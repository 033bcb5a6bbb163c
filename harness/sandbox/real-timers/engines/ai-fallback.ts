import { createOpenAI } from "@ai-sdk/openai";
import { createFallback } from "ai-fallback";
import { generateText } from "ai";
import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf } from "../chat.ts";

// ai-fallback over the AI SDK, unmodified: it moves to the next model on a server error and goes back to
// the first once `modelResetInterval` has passed by its own Date.now(); the AI SDK keeps its own retries.
const engine: EngineUnderTest = {
  name: "ai-fallback",
  create(ctx) {
    const endpoint = ctx.endpoints.openai;
    if (endpoint === undefined) throw new Error("no openai endpoint");
    const openai = createOpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, fetch: ctx.fetch });
    const fallback = createFallback({
      models: chainOf(ctx).map((model) => openai.chat(model.slice(model.indexOf("/") + 1))),
      modelResetInterval: 60_000,
    });
    return {
      async run(request) {
        const prompt = typeof request.prompt === "string" ? request.prompt : JSON.stringify(request.prompt);
        const result = await generateText({
          model: fallback,
          prompt,
          ...(request.signal ? { abortSignal: request.signal } : {}),
        });
        return { model: `openai/${fallback.modelId}`, text: result.text, attempts: 1 };
      },
    };
  },
};

export default engine;
