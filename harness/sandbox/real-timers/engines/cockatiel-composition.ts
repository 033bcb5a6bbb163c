import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleAll,
  noJitterGenerator,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
} from "cockatiel";
import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf, chat } from "../chat.ts";

// cockatiel as its README composes it, unmodified: per model a retry (one retry, exponential backoff from
// 128 ms, no jitter so runs repeat), a consecutive breaker half-opening after 30 s (read from Date.now), and
// an aggressive 10 s timeout (a real setTimeout); the chain is walked in order.
const engine: EngineUnderTest = {
  name: "cockatiel-composition",
  create(ctx) {
    const policies = new Map(
      chainOf(ctx).map((model) => [
        model,
        wrap(
          retry(handleAll, {
            maxAttempts: 1,
            backoff: new ExponentialBackoff({ initialDelay: 128, generator: noJitterGenerator }),
          }),
          circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(2) }),
          timeout(10_000, TimeoutStrategy.Aggressive),
        ),
      ]),
    );
    return {
      async run(request) {
        let attempts = 0;
        let last: unknown = new Error("empty chain");
        for (const [model, policy] of policies) {
          try {
            const text = await policy.execute(({ signal }) => {
              attempts++;
              return chat(ctx, model, request.prompt, signal);
            });
            return { model, text, attempts };
          } catch (error) {
            last = error;
          }
        }
        throw last;
      },
    };
  },
};

export default engine;
