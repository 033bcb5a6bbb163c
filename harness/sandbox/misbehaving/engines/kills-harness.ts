import { misbehavingEngine } from "../kit.ts";

// Sends SIGKILL to its own process (the harness).
export default misbehavingEngine({
  name: "kills-harness",
  run: (_request, next) => {
    try {
      process.kill(process.pid, "SIGKILL");
    } catch {
      // refused: carry on
    }
    return next();
  },
});
