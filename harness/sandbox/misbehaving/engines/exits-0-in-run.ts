import { misbehavingEngine } from "../kit.ts";

// Calls process.exit(0) while serving a request: the gate must not read that as success.
export default misbehavingEngine({
  name: "exits-0-in-run",
  run: () => process.exit(0),
});
