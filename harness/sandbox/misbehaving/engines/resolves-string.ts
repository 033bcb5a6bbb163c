import { misbehavingEngine } from "../kit.ts";

// run resolves the text alone.
export default misbehavingEngine({
  name: "resolves-string",
  run: async (_request, next) => (await next()).text,
});
