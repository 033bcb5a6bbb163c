import { describe, expect, it } from "vitest";
import { checkLeaks } from "../oracle/ground-truth-leaks.ts";
import { markPrompt, readRequestMarker } from "./request-marker.ts";

describe("the request marker", () => {
  const prompt = markPrompt("Summarise the report.", 12);

  it("keeps the prompt as written at its start and the marker at its end", () => {
    expect(prompt.startsWith("Summarise the report.")).toBe(true);
    expect(readRequestMarker(prompt)).toBe(12);
  });

  it("survives a compaction that keeps the prompt's last 200 characters", () => {
    const long = markPrompt("x".repeat(5_000), 4);
    expect(readRequestMarker(`[compacted] ${long.slice(-200)}`)).toBe(4);
  });

  it.each([
    [
      "OpenAI chat",
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: prompt },
        ],
      },
    ],
    ["OpenAI chat with parts", { messages: [{ role: "user", content: [{ type: "text", text: prompt }] }] }],
    [
      "OpenAI Responses",
      { model: "gpt-4o", input: [{ role: "user", content: [{ type: "input_text", text: prompt }] }] },
    ],
    [
      "Anthropic",
      {
        model: "claude",
        system: "Be brief.",
        messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
      },
    ],
    ["Gemini", { contents: [{ role: "user", parts: [{ text: prompt }] }] }],
  ])("reads it from a %s body", (_name, body) => {
    expect(readRequestMarker(body)).toBe(12);
  });

  it("reads nothing from a body without a marker, or with markers of two requests", () => {
    expect(readRequestMarker({ messages: [{ role: "user", content: "hello [fh:rx]" }] })).toBeNull();
    expect(readRequestMarker(undefined)).toBeNull();
    expect(
      readRequestMarker({ messages: [{ content: markPrompt("a", 1) }, { content: markPrompt("b", 2) }] }),
    ).toBeNull();
    expect(readRequestMarker({ messages: [{ content: prompt }, { content: prompt }] })).toBe(12);
  });

  it("leaves the prompt-leak check finding the prompt as written in a line that copies the marked one", () => {
    const record = { event: "fallback_request", request_id: "r1", x_prompt: prompt };
    const found = checkLeaks(
      [{ line: 1, text: JSON.stringify(record), record }],
      [],
      ["Summarise the report."],
    );
    expect(found.map((v) => v.rule)).toEqual(["prompt-in-log"]);
  });
});
