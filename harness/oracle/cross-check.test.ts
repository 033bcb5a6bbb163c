import { describe, expect, it } from "vitest";
import { crossCheckFleet } from "./cross-check.ts";

const ts = "2025-01-01T00:00:00.000Z";

describe("crossCheckFleet", () => {
  it("matches audited attempts and fleet requests one to one per model", () => {
    const audit = [
      { model: "openai/gpt-4.1", attempt: 1, request_id: "r1", ts },
      { model: "openai/gpt-4.1", attempt: 2, request_id: "r1", ts },
      { model: "openrouter/anthropic/claude-sonnet-4.5", attempt: 3, request_id: "r1", ts },
    ];
    const fleet = [
      { id: "f2", model: "gpt-4.1", at: 2, provider: "openai" },
      { id: "f1", model: "gpt-4.1", at: 1, provider: "openai" },
      { id: "f3", model: "anthropic/claude-sonnet-4.5", at: 3, provider: "openrouter" },
    ];
    expect(crossCheckFleet(audit, fleet)).toEqual([]);
  });

  it("reports an audited attempt with no request behind it, and a request the audit never mentions", () => {
    const audit = [
      { model: "openai/gpt-4.1", attempt: 1, request_id: "r1", ts, line: 2 },
      { model: "openai/gpt-4.1", attempt: 2, request_id: "r1", ts, line: 4 },
    ];
    const fleet = [
      { id: "f1", model: "gpt-4.1", at: 1, provider: "openai" },
      { id: "f9", model: "gemini-2.5-pro", at: 5, provider: "google" },
    ];
    const violations = crossCheckFleet(audit, fleet);
    expect(violations.map((v) => [v.rule, v.line, v.model])).toEqual([
      ["fleet-attempt-unserved", 4, "openai/gpt-4.1"],
      ["fleet-request-unaudited", 0, "google/gemini-2.5-pro"],
    ]);
    expect(violations[1]?.message).toMatch(/f9/);
  });

  it("names an unaudited request by its model id once, when the fleet already logs full ids", () => {
    const violations = crossCheckFleet(
      [],
      [
        { id: "f1", model: "openai/gpt-4.1", at: 1, provider: "openai" },
        { id: "f2", model: "openrouter/meta/llama-3", at: 2, provider: "openrouter" },
      ],
    );
    expect(violations.map((v) => v.model)).toEqual(["openai/gpt-4.1", "openrouter/meta/llama-3"]);
    expect(violations.map((v) => v.message).join("\n")).not.toMatch(/openai\/openai|openrouter\/openrouter/);
  });
});
