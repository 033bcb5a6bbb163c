import { setTimeout as wait } from "node:timers/promises";
import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf, chat, stampTime } from "../chat.ts";

// ai-fallback's pattern: on a failure move to the next model and stay there; a `setInterval` puts the
// primary back every minute. The interval is never cleared (close forgets it): a leaked handle. A pause
// from `node:timers/promises` (a named ESM import) before each fallback.
const engine: EngineUnderTest = {
  name: "interval-reset",
  create(ctx) {
    const chain = chainOf(ctx);
    let current = 0;
    setInterval(() => {
      current = 0;
    }, 60_000);
    return {
      async run(request) {
        let attempts = 0;
        for (;;) {
          const model = chain[current] ?? "";
          attempts++;
          stampTime(ctx, `attempt ${attempts} on ${model}`);
          try {
            return { model, text: await chat(ctx, model, request.prompt, request.signal), attempts };
          } catch (error) {
            if (current + 1 >= chain.length) throw error;
            await wait(250);
            current++;
          }
        }
      },
      close: () => Promise.resolve(),
    };
  },
};

export default engine;
