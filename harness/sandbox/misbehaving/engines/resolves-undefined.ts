import { misbehavingEngine } from "../kit.ts";

// run resolves nothing.
export default misbehavingEngine({
  name: "resolves-undefined",
  run: async (_request, next) => {
    await next();
    return undefined;
  },
});
