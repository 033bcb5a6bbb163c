import type { EngineUnderTest, ModelId } from "fallback-harness";
import { chainFor } from "./ai-sdk-models.ts";
import { sseData, wireCall } from "./fetch-wire.ts";

// The loop many teams start with: for each model of the chain, POST with fetch; any error → the next model.
// No classification, no retry of the same model, no breaker, no timeouts, and a stream is done when its body
// ends. It tells the caller to drop partial output before the next model speaks (`reset`), which is the
// least a streaming loop owes its caller.

const engine: EngineUnderTest = {
  name: "plain-fetch-loop",
  cannotExpress: {
    breaker: "a plain fetch loop has no circuit breaker",
    retries: "a plain fetch loop never retries a model: any error moves on to the next one",
  },
  create(ctx) {
    return {
      async run(request) {
        let attempts = 0;
        let streamed = false;
        let last: unknown = new Error("Failed to run the request: the chain is empty");
        for (const model of chainFor(ctx, request)) {
          attempts++;
          try {
            const text = await callModel(model);
            return { model, text, attempts };
          } catch (error) {
            last = error;
            if (request.signal?.aborted === true) break;
          }
        }
        throw last;

        async function callModel(model: ModelId): Promise<string> {
          const call = wireCall(model, request, ctx.endpoints, request.signal);
          const response = await ctx.fetch(call.url, call.init);
          if (!response.ok) throw new Error(`${model} answered ${response.status}: ${await response.text()}`);
          if (!request.stream || response.body === null) return call.textOf(await response.json());
          if (streamed) request.onDelta?.({ type: "reset", model, reason: "next model" });
          streamed = false;
          let text = "";
          for await (const frame of sseData(response.body)) {
            const delta = call.deltaOf(frame);
            if (delta === "") continue;
            text += delta;
            streamed = true;
            request.onDelta?.({ type: "text", text: delta, model });
          }
          return text;
        }
      },
    };
  },
};

export default engine;
