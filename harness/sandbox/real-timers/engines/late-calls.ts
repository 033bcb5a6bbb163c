import type { EngineUnderTest } from "../../../../src/index.ts";
import { chainOf, chat } from "../chat.ts";

// Answers at once, then keeps working after the caller has its answer: a retry of the primary 45 s later
// (inside the drain: the fleet must record it) and another 2 h later (past any drain: a leaked timer).
const engine: EngineUnderTest = {
  name: "late-calls",
  create(ctx) {
    const [primary = "openai/gpt-4.1"] = chainOf(ctx);
    return {
      async run(request) {
        const text = await chat(ctx, primary, request.prompt);
        const again = (): void => void chat(ctx, primary, request.prompt).catch(() => undefined);
        setTimeout(again, 45_000);
        setTimeout(again, 7_200_000);
        return { model: primary, text, attempts: 1 };
      },
    };
  },
};

export default engine;
