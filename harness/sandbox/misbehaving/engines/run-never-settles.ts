import { misbehavingEngine, never } from "../kit.ts";

// run returns a promise nobody resolves, and holds no timer.
export default misbehavingEngine({
  name: "run-never-settles",
  run: () => never(),
});
