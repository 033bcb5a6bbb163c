import { misbehavingEngine } from "../kit.ts";

// Spins the CPU forever inside run.
export default misbehavingEngine({
  name: "spins-in-run",
  run: () => {
    for (;;) {
      // a livelock: no await, no timer, nothing the virtual clock can advance
    }
  },
});
