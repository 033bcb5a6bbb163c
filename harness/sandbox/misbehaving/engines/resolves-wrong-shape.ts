import { misbehavingEngine } from "../kit.ts";

// Resolves { served, output } instead of { model, text, attempts }.
export default misbehavingEngine({
  name: "resolves-wrong-shape",
  run: async (_request, next) => {
    const result = await next();
    return { served: result.model, output: result.text };
  },
});
