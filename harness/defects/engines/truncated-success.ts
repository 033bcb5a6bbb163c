import type { ModelCaller, ModelCallPart } from "../../../src/index.ts";
import { defectEngine } from "../kit/defect-engine.ts";

/**
 * Planted defect: truncated success. The model caller takes the end of a stream as a clean `stop` whatever
 * the provider said — no finish frame, no end marker, or a finish of `other`/`unknown`/`error` — so a
 * connection closed half-way through an answer is returned to the agent as if it were the whole answer
 * (SPEC §6: never a truncated success). Only an explicit content filter still counts as one.
 */
function endIsStop(caller: ModelCaller): ModelCaller {
  return {
    async *call(request): AsyncIterable<ModelCallPart> {
      for await (const part of caller.call(request)) {
        if (part.type === "text" || part.type === "error") yield part;
        if (part.type === "error") return;
        if (part.type === "finish" && part.finishReason === "content-filter") {
          yield part;
          return;
        }
      }
      yield { type: "finish", finishReason: "stop" };
    },
  };
}

export default defectEngine({ name: "defect-truncated-success", caller: endIsStop });
