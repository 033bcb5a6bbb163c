import { misbehavingEngine } from "../kit.ts";

// Calls process.exit(1) while serving a request.
export default misbehavingEngine({
  name: "exits-1-in-run",
  run: () => process.exit(1),
});
