import { defectEngine } from "../kit/defect-engine.ts";

/**
 * Planted defect: wrong served model. The result reports the model the request asked for (the chain's
 * head) instead of the model that actually answered, so a user billed by Anthropic is told OpenAI served
 * them (SPEC §6: the served model is always reported correctly).
 */
export default defectEngine({
  name: "defect-wrong-served-model",
  result: (result, chainHead) => ({ ...result, model: chainHead }),
});
