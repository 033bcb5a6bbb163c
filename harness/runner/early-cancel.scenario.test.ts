import { describe, expect, it } from "vitest";
import { parseConfig, type EngineUnderTest } from "../../src/index.ts";
import { parseScenarioText } from "../scenario/load-scenario.ts";
import { scenarioSchema } from "../scenario/schema.ts";
import { executeScenario } from "./execute-scenario.ts";
import { createFleetFactory } from "./fleet-adapter.ts";

const SCENARIO = `
id: early-cancel
title: "a client that cancels a clean stream's body"
description: An engine that cancels bodies itself.
config:
  model: anthropic/claude-sonnet-4-5
traffic:
  - { count: 2, every: 1s, stream: true }
expect:
  requests: []
`;

/**
 * An engine that calls the fleet itself: the first request cancels the body before reading a byte, the
 * second reads once and then cancels. The fleet's log must record exactly that, whatever the harness puts
 * between the engine and the fleet.
 */
const cancelling: EngineUnderTest = {
  name: "cancelling",
  create(ctx) {
    let calls = 0;
    return {
      async run() {
        const { baseURL, apiKey } = ctx.endpoints["anthropic"]!;
        const response = await ctx.fetch(`${baseURL}/messages`, {
          method: "POST",
          headers: {
            "x-api-key": apiKey,
            "anthropic-version": "2023-06-01",
            "content-type": "application/json",
          },
          body: JSON.stringify({
            model: "claude-sonnet-4-5",
            max_tokens: 64,
            stream: true,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        const reader = response.body!.getReader();
        if (++calls === 2) await reader.read();
        await reader.cancel();
        return { model: "anthropic/claude-sonnet-4-5", text: "", attempts: 1 };
      },
    };
  },
};

describe("a client that cancels a clean stream", () => {
  it("is logged aborted with the bytes it was handed: none before its first read, the whole run after it", async () => {
    const loaded = parseScenarioText(SCENARIO, "early-cancel.yaml", scenarioSchema);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const parsed = parseConfig(loaded.value.config);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const records = await executeScenario(loaded.value, {
      engine: cancelling,
      fleet: createFleetFactory(),
      config: parsed.config,
      seed: 1,
      transport: "inproc",
    });
    const log = records.fleetLogText
      .trim()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { outcome: string; bytes: number; completed: boolean; status: number },
      );
    expect(log.map(({ outcome, completed, status }) => ({ outcome, completed, status }))).toEqual([
      { outcome: "aborted", completed: false, status: 200 },
      { outcome: "aborted", completed: false, status: 200 },
    ]);
    expect(log[0]!.bytes).toBe(0);
    // A clean stream's frames are one read: the second client was handed all of them, and never the end.
    expect(log[1]!.bytes).toBeGreaterThan(500);
  });
});
