import reference from "../../../../src/node/reference-eut.ts";
import type { EngineUnderTest } from "../../../../src/index.ts";

// A well-behaved engine that logs a line per request and one as it closes: printing a little is no
// misbehaviour, not even as the last thing it does (its worker's port to the parent is held until the parent
// has read the line, which the leak check must not call the engine's). The gate must pass it.
const engine: EngineUnderTest = {
  name: "prints-a-little",
  async create(ctx) {
    const inner = await reference.create(ctx);
    return {
      run(request) {
        console.log(`[prints-a-little] request for agent ${request.agent}`);
        return inner.run(request);
      },
      async close() {
        await inner.close?.();
        console.log("[prints-a-little] closed");
      },
    };
  },
};
export default engine;
