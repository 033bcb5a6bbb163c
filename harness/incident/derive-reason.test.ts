import { describe, expect, it } from "vitest";
import { ORACLE_ERROR_TYPES, rowOf } from "../oracle/action-table.ts";
import { DEFAULT_REASON, deriveReason, errorTypeOf, reasonForStatus } from "./derive-reason.ts";

describe("deriveReason", () => {
  it("gives each error type its documented default reason, of that type", () => {
    expect(DEFAULT_REASON).toEqual({
      ContextLength: "context_overflow",
      NetworkPermanent: "tls",
      ProviderRateLimit: "rate_limit",
      NetworkTransient: "connection",
      ProviderError: "server_error",
      LogicError: "unknown",
    });
    for (const type of ORACLE_ERROR_TYPES)
      expect(errorTypeOf(deriveReason(type, undefined, undefined))).toBe(type);
  });

  it("prefers the status's reason when it fits the type, and ignores one that does not", () => {
    expect(deriveReason("ProviderRateLimit", 529, undefined)).toBe("overloaded");
    expect(deriveReason("ProviderError", 401, undefined)).toBe("auth");
    expect(deriveReason("NetworkTransient", 503, "retry")).toBe("unavailable");
    expect(deriveReason("NetworkTransient", 401, undefined)).toBe("connection");
  });

  it("picks the type's reason whose default action is the logged one", () => {
    expect(deriveReason("ProviderRateLimit", null, "fallback")).toBe("quota_exhausted");
    expect(rowOf(deriveReason("ProviderRateLimit", null, "retry")).action).toBe("retry");
    // No ContextLength reason defaults to `fail`: the type's default stays.
    expect(deriveReason("ContextLength", null, "fail")).toBe("context_overflow");
  });

  it("maps HTTP statuses per SPEC §3 and knows nothing of others", () => {
    expect(reasonForStatus(429)).toBe("rate_limit");
    expect(reasonForStatus(413)).toBe("context_overflow");
    expect(reasonForStatus(418)).toBeUndefined();
    expect(reasonForStatus(null)).toBeUndefined();
  });
});
