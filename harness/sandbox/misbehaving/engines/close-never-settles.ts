import { misbehavingEngine, never } from "../kit.ts";

// close returns a promise nobody resolves.
export default misbehavingEngine({
  name: "close-never-settles",
  close: () => never(),
});
