import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/index.ts";
import { BODY_REASONS, type HttpReason } from "../fleet/faults.ts";
import { PROVIDER_PROFILES } from "../fleet/providers/catalog.ts";
import { FLEET_PROVIDERS, type ErrorParams } from "../fleet/providers/types.ts";
import { propertySeeds, runsFor } from "./seeds.ts";

/**
 * Classifier laws over the providers' own wire shapes, as the fleet serves them: every provider's
 * context-overflow wording is ContextLength, quota never reads as a plain rate limit, and an in-band stream
 * error is classified like its HTTP twin.
 */

const params = (model: string, retry: { retryAfterS?: number; retryAfterMs?: number }): ErrorParams => ({
  model,
  requestId: "req_prop",
  nowMs: Date.UTC(2026, 0, 1),
  ...retry,
});

const provider = fc.constantFrom(...FLEET_PROVIDERS);
const retry = fc.record(
  { retryAfterS: fc.integer({ min: 0, max: 50 }), retryAfterMs: fc.integer({ min: 0, max: 50_000 }) },
  { requiredKeys: [] },
);

/** A raw HTTP response as classify accepts it (SPEC §3: status, headers, body). */
function httpTwin(name: (typeof FLEET_PROVIDERS)[number], reason: HttpReason, p: ErrorParams): unknown {
  const response = PROVIDER_PROFILES[name].errorResponse(reason, p);
  return { status: response.status, headers: response.headers, body: response.body };
}

describe.each(propertySeeds())("classify on the providers' wire shapes ($label)", ({ seed }) => {
  it("maps every provider's context-overflow wording to ContextLength, over HTTP and in-band", () => {
    fc.assert(
      fc.property(provider, retry, (name, r) => {
        expect(classify(httpTwin(name, "context_overflow", params("m", r))).type).toBe("ContextLength");
        const inBand = PROVIDER_PROFILES[name].errorObject("context_overflow", params("m", r));
        expect(classify({ type: "error", error: inBand.error }).type).toBe("ContextLength");
      }),
      { seed, numRuns: runsFor(50) },
    );
  });

  it("never reads quota exhaustion as a plain rate limit, whatever Retry-After it carries", () => {
    fc.assert(
      fc.property(provider, retry, (name, r) => {
        const p = params("m", r);
        expect(classify(httpTwin(name, "quota_exhausted", p)).reason).toBe("quota_exhausted");
        const inBand = PROVIDER_PROFILES[name].errorObject("quota_exhausted", p);
        expect(classify({ type: "error", error: inBand.error }).reason).toBe("quota_exhausted");
      }),
      { seed, numRuns: runsFor(80) },
    );
  });

  it("classifies an in-band stream error like its HTTP twin", () => {
    fc.assert(
      fc.property(provider, fc.constantFrom(...BODY_REASONS), (name, reason) => {
        // Anthropic has no error type of its own for a 502 or 503: its frame says only `api_error`, so without
        // the HTTP status there is nothing to tell a gateway from a server error (the twin has the status).
        fc.pre(!(name === "anthropic" && (reason === "bad_gateway" || reason === "unavailable")));
        const p = params("m", {});
        const http = classify(httpTwin(name, reason, p));
        const inBand = classify({
          type: "error",
          error: PROVIDER_PROFILES[name].errorObject(reason, p).error,
        });
        expect({ provider: name, reason: inBand.reason }).toEqual({ provider: name, reason: http.reason });
      }),
      { seed, numRuns: runsFor(120) },
    );
  });
});
