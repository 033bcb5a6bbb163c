import type { AuditSink } from "../audit/sink.ts";
import { isModelId } from "../core/model-id.ts";
import { createEngine } from "../engine/engine.ts";
import type { EngineUnderTest } from "../eut.ts";
import { createAiSdkCaller } from "./ai-sdk-caller.ts";
import { JsonlFileSink } from "./jsonl-file-sink.ts";

/**
 * The reference engine as an engine-under-test module (SPEC §10): the AI SDK as model caller, the harness's
 * clock, random source, fetch and audit destination.
 */
const referenceEngine: EngineUnderTest = {
  name: "reference",
  audit: "spec",
  create(ctx) {
    const audit: AuditSink = "append" in ctx.audit ? ctx.audit : JsonlFileSink.open(ctx.audit.path);
    const engine = createEngine(ctx.config, {
      clock: ctx.clock,
      random: { next: ctx.random },
      caller: createAiSdkCaller({ endpoints: ctx.endpoints, fetch: ctx.fetch }),
      audit,
      ...(ctx.compact ? { compact: ctx.compact } : {}),
    });
    return {
      async run(request) {
        const { model, ...rest } = request;
        if (model !== undefined && !isModelId(model)) {
          throw new TypeError(`Failed to run the request: "${model}" is not a model id. Use provider/model.`);
        }
        const result = await engine.run(model === undefined ? rest : { ...rest, model });
        return { model: result.model, text: result.text, attempts: result.attempts };
      },
      close: () => engine.close(),
    };
  },
};

export default referenceEngine;
