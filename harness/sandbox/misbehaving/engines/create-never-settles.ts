import { misbehavingEngine, never } from "../kit.ts";

// create returns a promise nobody resolves.
export default misbehavingEngine({
  name: "create-never-settles",
  create: () => never(),
});
