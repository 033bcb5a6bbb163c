import { describe, expect, it } from "vitest";
import { isModelId, parseModelId, splitModelId, type ModelId } from "./model-id.ts";

describe("model ids", () => {
  it("accepts provider/model, with slashes, dots and dashes in the model part", () => {
    for (const id of ["openai/gpt-4.1", "openrouter/anthropic/claude-sonnet-4.5", "a/b", "my_co-1.x/m"])
      expect(isModelId(id)).toBe(true);
  });

  it("rejects ids without a provider, without a model, with spaces, or with a bad first character", () => {
    for (const id of [
      "gpt-4o",
      "/gpt-4o",
      "openai/",
      "openai//",
      "open ai/gpt",
      "openai/gpt 4",
      "-openai/gpt",
      ".x/y",
      "_x/y",
      "",
      " openai/gpt",
    ]) {
      expect(isModelId(id), id).toBe(false);
    }
  });

  it("rejects values that are not strings", () => {
    for (const value of [undefined, null, 42, ["openai/gpt-4o"], { id: "openai/gpt-4o" }])
      expect(isModelId(value)).toBe(false);
  });

  it("parses a good id to itself and a bad one to undefined", () => {
    expect(parseModelId("openai/gpt-4o")).toBe("openai/gpt-4o");
    expect(parseModelId("gpt-4o")).toBeUndefined();
  });

  it("splits at the first slash only", () => {
    expect(splitModelId("openrouter/meta-llama/llama-3.3" as ModelId)).toEqual({
      provider: "openrouter",
      model: "meta-llama/llama-3.3",
    });
    expect(splitModelId("a/b" as ModelId)).toEqual({ provider: "a", model: "b" });
  });
});
