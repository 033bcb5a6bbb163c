import type { EnginePolicy } from "../../../src/index.ts";

/**
 * What OpenCode core cannot be configured to do (SPEC §10.3): those expectations are NOT CHECKED with
 * these reasons; safety checks still apply. Facts of 1.18.33 (see shared/reference/opencode.md §1–§2).
 */
export const OPENCODE_CORE_CANNOT_EXPRESS: Readonly<Record<EnginePolicy, string>> = {
  fallback:
    "OpenCode core has no model fallback chain: a prompt runs on one model (fallback lives in plugins)",
  "stream-failover":
    "OpenCode core has no model fallback chain, so a failed stream cannot move to another model",
  breaker: "OpenCode core has no circuit breaker",
  retries:
    "OpenCode core's retry policy is fixed (up to 5 retries of the same model, 2 s doubling to 30 s, Retry-After honoured uncapped); no setting changes it",
};
