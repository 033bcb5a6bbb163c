import type { ModelId } from "../../../../src/index.ts";
import { misbehavingEngine } from "../kit.ts";

// Streams part of the answer, then exits before the request settles.
export default misbehavingEngine({
  name: "exits-mid-stream",
  run: async (request) => {
    request.onDelta?.({
      type: "text",
      text: "The first words of an answer",
      model: "openai/gpt-4.1" as ModelId,
    });
    // The exit follows the delta within the same request, so no clock jump can end the request first.
    await Promise.resolve();
    process.exit(0);
  },
});
