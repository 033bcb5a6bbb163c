import OpenAI from "openai";
import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf } from "../chat.ts";

// The official openai SDK, unmodified: its own retries (2, with its real-timer backoff of about 0.5 s and
// 1 s) on the primary only, over the fetch the harness gives.
const engine: EngineUnderTest = {
  name: "openai-sdk",
  create(ctx) {
    const model = chainOf(ctx)[0] ?? "openai/gpt-4.1";
    const endpoint = ctx.endpoints.openai;
    if (endpoint === undefined) throw new Error("no openai endpoint");
    const client = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, fetch: ctx.fetch });
    return {
      async run(request) {
        const content = typeof request.prompt === "string" ? request.prompt : JSON.stringify(request.prompt);
        const completion = await client.chat.completions.create(
          { model: model.slice(model.indexOf("/") + 1), messages: [{ role: "user", content }] },
          request.signal ? { signal: request.signal } : {},
        );
        return { model, text: completion.choices[0]?.message.content ?? "", attempts: 1 };
      },
    };
  },
};

export default engine;
