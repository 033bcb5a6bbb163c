import { miniEngine } from "../kit/mini-engine.ts";

/**
 * Planted defect: ignores Retry-After. The engine logs the provider's Retry-After but plans its retry from
 * its own backoff alone, so it comes back before the provider said it would serve again (SPEC §4: the wait
 * is `max(backoff, retry_after_ms)`).
 */
export default miniEngine("defect-ignores-retry-after", {
  planWith: (classification) => ({ ...classification, retry_after_ms: null }),
});
