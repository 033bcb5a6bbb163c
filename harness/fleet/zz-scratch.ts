import { createOpenAI } from "@ai-sdk/openai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { ManualClock } from "../../src/index.ts";
import { createFleet } from "./fleet.ts";

for (const transport of ["inproc", "loopback"] as const) {
  const fleet = await createFleet({ clock: new ManualClock(), seed: 1, transport, content: "canonical" });
  const e = fleet.endpoints;
  const models = {
    responses: createOpenAI({ ...e.openai, fetch: fleet.fetch }).responses("gpt-4o"),
    chat: createOpenAI({ ...e.openai, fetch: fleet.fetch }).chat("gpt-4o"),
    anthropic: createAnthropic({ ...e.anthropic, fetch: fleet.fetch })("claude-haiku-4-5"),
    google: createGoogleGenerativeAI({ ...e.google, fetch: fleet.fetch })("gemini-2.5-flash"),
    openrouter: createOpenAICompatible({ name: "openrouter", ...e.openrouter, fetch: fleet.fetch, includeUsage: true }).chatModel("openai/gpt-4o"),
    azure: createOpenAICompatible({ name: "azure", ...e.azure, headers: { "api-key": e.azure.apiKey }, fetch: fleet.fetch, includeUsage: true }).chatModel("gpt-4o"),
  };
  for (const [name, model] of Object.entries(models)) {
    try {
      const g = await generateText({ model, prompt: "hi", maxRetries: 0 });
      const s = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => undefined });
      const parts: string[] = [];
      for await (const p of s.fullStream) parts.push(p.type);
      console.log(transport, name, JSON.stringify(g.text), g.finishReason, JSON.stringify(g.usage), "| stream:", JSON.stringify(await s.text), await s.finishReason, JSON.stringify(await s.usage), parts.join(","));
    } catch (err) {
      console.log(transport, name, "ERR", err);
    }
  }
  console.log(fleet.log.map((l) => `${l.seq} ${l.model} ${l.stream} ${l.status} ${l.outcome} ${l.bytes}`).join("\n"));
  await fleet.close();
}
