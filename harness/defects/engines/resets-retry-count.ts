import { miniEngine } from "../kit/mini-engine.ts";

/**
 * Planted defect: resets the retry count on every attempt. The retry counter is a local of the attempt
 * function, so each failure looks like the first one and a dead model is retried until the deadline stops
 * it (SPEC §4: retry while `model_attempt ≤ max_retries`, then move on).
 */
export default miniEngine("defect-resets-retry-count", { budgetAttempt: () => 1 });
