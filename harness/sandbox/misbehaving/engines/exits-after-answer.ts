import { misbehavingEngine } from "../kit.ts";

// Answers, then exits from a timer before the harness has closed it.
export default misbehavingEngine({
  name: "exits-after-answer",
  run: async (_request, next) => {
    const result = await next();
    setTimeout(() => process.exit(0), 0);
    return result;
  },
});
