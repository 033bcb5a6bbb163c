import { describe, expect, it } from "vitest";
import type { FleetCall } from "../runner/records.ts";
import { routedCallsCheck } from "./fleet-routes.ts";

const call = (id: string, path: string, api: string | null): FleetCall => ({
  id,
  at: 0,
  provider: "google",
  model: "google/gemini-2.5-pro",
  method: "POST",
  path,
  api,
});

describe("conformance.calls-routed", () => {
  it("names the most frequent unrouted method and path, counts every unrouted call and the other paths", () => {
    const check = routedCallsCheck([
      call("a", "/v1beta/v1beta/models/gemini-2.5-pro:streamGenerateContent", null),
      call("b", "/v1beta/models/gemini-2.5-pro:streamGenerateContent", "gemini"),
      call("c", "/v1beta/v1beta/models/gemini-2.5-pro:generateContent", null),
      call("d", "/v1beta/v1beta/models/gemini-2.5-pro:generateContent", null),
    ]);
    expect(check).toEqual({
      id: "conformance.calls-routed",
      tier: "conformance",
      evidence: ["fleet"],
      outcome: {
        kind: "fail",
        message:
          "3 calls reached no provider route (POST /v1beta/v1beta/models/gemini-2.5-pro:generateContent (google), +1 more path(s)): the engine's URLs are misconfigured, and the scenario's faults were never injected",
      },
    });
  });

  it("passes when every call reached a route, and counts no call recorded without an api field", () => {
    const old: FleetCall = { id: "x", at: 0, provider: "openai", model: "openai/gpt-4o" };
    expect(routedCallsCheck([call("a", "/v1beta/models/m:generateContent", "gemini"), old]).outcome).toEqual({
      kind: "pass",
    });
  });
});
