import { misbehavingEngine } from "../kit.ts";

// Exits while the harness waits for create.
export default misbehavingEngine({
  name: "exits-in-create",
  create: () => process.exit(0),
});
