import { describe, expect, it } from "vitest";
import type { FleetCall } from "../runner/records.ts";
import { callsByRequest, writersOf } from "./fleet-facts.ts";

const call = (model: string, answer: string | null, at: number): FleetCall => ({
  id: `req_fleet_${at}`,
  at,
  provider: model.split("/")[0] ?? "",
  model,
  answer,
});

describe("writersOf", () => {
  it("names each model that wrote the text once, calls in order first, then canonical answers", () => {
    const calls = [
      call("openai/gpt-4.1", "B", 1),
      call("google/gemini-2.5-flash", "A", 2),
      call("anthropic/claude-sonnet-4-5", "A", 3),
      call("google/gemini-2.5-flash", "A", 4),
      call("openai/gpt-4.1", null, 5),
    ];
    const answers = { "openai/gpt-4.1": "A", "anthropic/claude-sonnet-4-5": "C" };
    expect(writersOf("A", calls, answers)).toEqual([
      "google/gemini-2.5-flash",
      "anthropic/claude-sonnet-4-5",
      "openai/gpt-4.1",
    ]);
    expect(writersOf("C", calls, answers)).toEqual(["anthropic/claude-sonnet-4-5"]);
    expect(writersOf("D", calls, answers)).toEqual([]);
  });

  it("answers from the record it is given, not from another run's record read before", () => {
    const answers = {};
    const first = [call("openai/gpt-4.1", "A", 1)];
    const second = [call("google/gemini-2.5-flash", "A", 1)];
    expect(writersOf("A", first, answers)).toEqual(["openai/gpt-4.1"]);
    expect(writersOf("A", second, answers)).toEqual(["google/gemini-2.5-flash"]);
    expect(writersOf("A", first, { "anthropic/claude-sonnet-4-5": "A" })).toEqual([
      "openai/gpt-4.1",
      "anthropic/claude-sonnet-4-5",
    ]);
    const growing = [call("openai/gpt-4.1", "A", 1)];
    expect(writersOf("A", growing, answers)).toEqual(["openai/gpt-4.1"]);
    growing.push(call("google/gemini-2.5-flash", "A", 2));
    expect(writersOf("A", growing, answers)).toEqual(["openai/gpt-4.1", "google/gemini-2.5-flash"]);
  });
});

describe("callsByRequest", () => {
  it("groups each request's calls in call order and leaves out calls no request of the scenario owns", () => {
    const at = (request: number | null, id: number): FleetCall => ({
      ...call("openai/gpt-4.1", null, id),
      request,
    });
    const calls = [at(1, 1), at(0, 2), at(null, 3), at(1, 4), at(7, 5), at(0, 6)];
    const grouped = callsByRequest(calls, 3);
    expect([...grouped.keys()]).toEqual([1, 0]);
    expect(grouped.get(0)?.map((c) => c.at)).toEqual([2, 6]);
    expect(grouped.get(1)?.map((c) => c.at)).toEqual([1, 4]);
    expect(grouped.has(2)).toBe(false);
  });
});
