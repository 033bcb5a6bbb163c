import { misbehavingEngine } from "../kit.ts";

// create resolves undefined instead of an instance.
export default misbehavingEngine({
  name: "create-returns-nothing",
  create: () => undefined,
});
