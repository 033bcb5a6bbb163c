import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf, chat, ModelError, stampTime } from "../chat.ts";

// An SDK-style retry loop on real timers: `setTimeout` captured when the module loads (as SDKs bundle it),
// an exponential backoff from 128 ms, two retries per model, then the next model of the chain.
const pause = globalThis.setTimeout;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => pause(resolve, ms));

const engine: EngineUnderTest = {
  name: "sdk-backoff",
  create(ctx) {
    return {
      async run(request) {
        let attempts = 0;
        let last: unknown = new Error("empty chain");
        for (const model of chainOf(ctx)) {
          for (let retry = 0; retry <= 2; retry++) {
            if (retry > 0) await sleep(128 * 2 ** (retry - 1));
            attempts++;
            stampTime(ctx, `attempt ${attempts} on ${model}`);
            try {
              return { model, text: await chat(ctx, model, request.prompt, request.signal), attempts };
            } catch (error) {
              last = error;
              if (!(error instanceof ModelError && error.status >= 500)) break;
            }
          }
        }
        throw last;
      },
    };
  },
};

export default engine;
