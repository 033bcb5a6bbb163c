import type { LanguageModelV3Prompt } from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { Prompt } from "../engine/ports.ts";

/**
 * The prompt as `generateText` hands it to the provider (`standardizePrompt` then
 * `convertToLanguageModelPrompt`, text only), or undefined for a prompt it would reject.
 */
export function providerPrompt(prompt: Prompt): LanguageModelV3Prompt | undefined {
  if (typeof prompt === "string") return [{ role: "user", content: [{ type: "text", text: prompt }] }];
  if (prompt.length === 0) return undefined;
  const out: LanguageModelV3Prompt = [];
  for (const message of prompt) {
    const { role, content } = message;
    if (typeof content !== "string") return undefined;
    if (role === "system") out.push({ role, content });
    else if (role === "user" || role === "assistant")
      out.push({ role, content: [{ type: "text", text: content }] });
    else return undefined;
  }
  return out;
}

export function promptInput(
  prompt: Prompt,
): { prompt: string } | { messages: ModelMessage[]; allowSystemInMessages: true } {
  if (typeof prompt === "string") return { prompt };
  return {
    // OpenCode sends its system prompts as messages too; the SDK would warn on every call otherwise.
    allowSystemInMessages: true,
    messages: prompt.map((message): ModelMessage => {
      switch (message.role) {
        case "system":
          return { role: "system", content: message.content };
        case "user":
          return { role: "user", content: message.content };
        case "assistant":
          return { role: "assistant", content: message.content };
        default: {
          const unreachable: never = message.role;
          throw new TypeError(
            `Failed to build the prompt: unknown role "${String(unreachable)}". Use system, user or assistant.`,
          );
        }
      }
    }),
  };
}
