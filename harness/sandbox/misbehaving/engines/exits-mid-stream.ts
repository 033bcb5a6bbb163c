import type { ModelId } from "../../../../src/index.ts";
import { misbehavingEngine } from "../kit.ts";

// Streams part of the answer, then exits.
export default misbehavingEngine({
  name: "exits-mid-stream",
  run: (request) => {
    request.onDelta?.({
      type: "text",
      text: "The first words of an answer",
      model: "openai/gpt-4.1" as ModelId,
    });
    return new Promise(() => setTimeout(() => process.exit(0), 5));
  },
});
