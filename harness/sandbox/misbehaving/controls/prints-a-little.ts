import reference from "../../../../src/node/reference-eut.ts";
import type { EngineUnderTest } from "../../../../src/index.ts";

// A well-behaved engine that logs a line per request and loads slowly: printing a little is no misbehaviour,
// and neither is a worker of its own. The gate must pass it.
const engine: EngineUnderTest = {
  name: "prints-a-little",
  async create(ctx) {
    const inner = await reference.create(ctx);
    return {
      run(request) {
        console.log(`[prints-a-little] request for agent ${request.agent}`);
        return inner.run(request);
      },
      close: () => inner.close?.() ?? Promise.resolve(),
    };
  },
};
export default engine;
