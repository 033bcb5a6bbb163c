import { misbehavingEngine } from "../kit.ts";

// Serves every request, then exits while closing.
export default misbehavingEngine({
  name: "exits-in-close",
  close: () => process.exit(0),
});
