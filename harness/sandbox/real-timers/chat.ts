import type { EngineUnderTestContext, Prompt } from "../../../src/index.ts";

// What the test engines share, written as a user would: one OpenAI-compatible chat call over the fetch the
// harness gives, and a line of timing evidence. No harness internals.

/** The chain the config names for every agent, or the primary alone. */
export function chainOf(ctx: EngineUnderTestContext): string[] {
  return [...(ctx.config.chains.default ?? [ctx.config.model ?? "openai/gpt-4.1"])];
}

/** An HTTP status the engine treats as a failure of the model. */
export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(readonly status: number) {
    super(`the model answered ${status}`);
  }
}

/** One non-streaming chat completion; throws {@link ModelError} on a status other than 2xx. */
export async function chat(
  ctx: EngineUnderTestContext,
  model: string,
  prompt: Prompt,
  signal?: AbortSignal,
): Promise<string> {
  const slash = model.indexOf("/");
  const endpoint = ctx.endpoints[model.slice(0, slash)];
  if (endpoint === undefined) throw new Error(`no endpoint for ${model}`);
  const content = typeof prompt === "string" ? prompt : JSON.stringify(prompt);
  const response = await ctx.fetch(`${endpoint.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${endpoint.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: model.slice(slash + 1), messages: [{ role: "user", content }] }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) {
    await response.text();
    throw new ModelError(response.status);
  }
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? "";
}

/**
 * Writes what the engine's own clock reads next to the scenario clock, as an audit line the test reads back:
 * with virtual globals in place, `Date.now()` and `new Date()` equal the scenario clock.
 */
export function stampTime(ctx: EngineUnderTestContext, what: string): void {
  if (!("append" in ctx.audit)) return;
  const line = {
    event: "time",
    what,
    date_now: Date.now(),
    new_date: new Date().getTime(),
    clock: ctx.clock.now(),
  };
  ctx.audit.append(`${JSON.stringify(line)}\n`);
}
