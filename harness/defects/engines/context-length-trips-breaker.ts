import { miniEngine } from "../kit/mini-engine.ts";

/**
 * Planted defect: counts ContextLength against the breaker. A prompt too long for a model says nothing
 * about the model's health (SPEC §3: breaker effect none), but this engine counts every failure, so a few
 * long prompts take a healthy model out of rotation for an hour.
 */
export default miniEngine("defect-context-length-trips-breaker", { effect: () => "failure" });
