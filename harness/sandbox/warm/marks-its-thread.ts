import { threadId } from "node:worker_threads";
import { misbehavingEngine, never } from "../misbehaving/kit.ts";

// For the warm-isolate tests: the thread shows in the engine's name (a second scenario in the same thread
// reused the worker), and module state (`creates`) refuses a second `create`, so an engine module that was
// not evaluated afresh for the next scenario fails it. A prompt naming a misbehaviour makes that scenario
// misbehave.
let creates = 0;

export default misbehavingEngine({
  name: `thread-${threadId}`,
  create: (_ctx, next) => {
    creates++;
    if (creates > 1) throw new Error(`module state carried over: create called ${creates} times`);
    return next();
  },
  run: (request, next) => {
    const prompt = JSON.stringify(request.prompt);
    if (prompt.includes("[hang]")) return never();
    if (prompt.includes("[spin]")) {
      for (;;) {
        // a livelock: the heartbeat stops, the stall watchdog ends the worker
      }
    }
    if (prompt.includes("[polyfill]")) {
      // A careless polyfill: changes the thread for whatever runs in it next.
      (globalThis as Record<string, unknown>)["structuredClone"] = (value: unknown) => value;
    }
    return next();
  },
});
