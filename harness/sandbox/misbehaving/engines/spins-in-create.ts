import { misbehavingEngine } from "../kit.ts";

// Spins the CPU forever inside create.
export default misbehavingEngine({
  name: "spins-in-create",
  create: () => {
    for (;;) {
      // a livelock while the harness waits for create
    }
  },
});
