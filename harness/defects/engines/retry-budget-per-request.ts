import { miniEngine } from "../kit/mini-engine.ts";

/**
 * Planted defect: the retry count is never reset on fallback. The engine keeps one retry budget for the
 * whole request instead of one per model, so the fallback model gets no retries of its own once the primary
 * has used them up (SPEC §4: `model_attempt` counts attempts on the current model).
 */
export default miniEngine("defect-retry-budget-per-request", {
  budgetAttempt: (_modelAttempt, requestAttempt) => requestAttempt,
});
