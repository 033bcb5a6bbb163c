import { describe, expect, it } from "vitest";
import { warmUpMessage, warmUpPaths } from "./opencode-launch.ts";

describe("warmUpPaths", () => {
  it("asks for the tool registry of each model (OpenRouter's slashes kept) and the services a prompt loads", () => {
    const paths = warmUpPaths(["openai/gpt-4.1", "openrouter/meta-llama/llama-3.3-70b"]);
    expect(paths.slice(0, 2)).toEqual([
      "/experimental/tool?provider=openai&model=gpt-4.1",
      "/experimental/tool?provider=openrouter&model=meta-llama%2Fllama-3.3-70b",
    ]);
    expect(paths).toEqual(expect.arrayContaining(["/agent", "/provider", "/skill", "/command"]));
  });

  it("sends nothing that prompts: only reads, none of the session routes", () => {
    for (const path of warmUpPaths(["anthropic/claude-sonnet-4-5"]))
      expect(path).not.toMatch(/session|prompt/);
  });
});

describe("warmUpMessage", () => {
  it("is never answered, so the warm-up calls no provider", () => {
    expect(warmUpMessage("openai/gpt-4.1")).toMatchObject({
      noReply: true,
      model: { providerID: "openai", modelID: "gpt-4.1" },
    });
  });
});
