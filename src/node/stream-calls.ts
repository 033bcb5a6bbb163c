import type { LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3StreamResult } from "@ai-sdk/provider";
import { NoOutputGeneratedError, streamText } from "ai";
import { abortReason } from "../core/clock.ts";
import type { FinishReason, ModelCallPart, ModelCallRequest } from "../engine/ports.ts";
import { promptInput } from "./provider-prompt.ts";
import { AbortRace } from "./until-aborted.ts";

/**
 * What `streamText` with `maxRetries: 0` makes of a text prompt's `doStream`, without its prompt validation,
 * telemetry and step machinery: the same call options; a `doStream` that throws is an `error` part; the
 * provider's `error` parts pass through unchanged; its finish reason is reported when the stream ends (as
 * `streamText` does); a stream with output but no finish chunk finishes `other`, and one with neither is
 * the SDK's `NoOutputGeneratedError`. Errors thrown while reading propagate, as they do through `streamText`.
 */
export async function* directStreamCall(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  let opening: PromiseLike<LanguageModelV3StreamResult>;
  try {
    // No `ai/<version>` user-agent here: unlike `generateText`, `streamText` adds none.
    opening = model.doStream({ prompt, abortSignal: signal });
  } catch (error) {
    yield { type: "error", error };
    return;
  }
  // One abort listener for the opening and every read (AbortRace), removed when the call ends.
  const race = new AbortRace(signal);
  let finishReason: FinishReason = "other";
  let output = false;
  let terminal = false;
  try {
    const opened = await race.wait(
      opening.then(
        (result) => ({ ok: true as const, stream: result.stream }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    if (!opened.ok) {
      yield { type: "error", error: opened.error };
      return;
    }
    const reader = opened.stream.getReader();
    try {
      for (;;) {
        const next = await race.wait(reader.read());
        if (next.done) break;
        const part = next.value;
        if (part.type === "text-delta") {
          output = true;
          if (part.delta.length > 0) yield { type: "text", text: part.delta };
        } else if (part.type === "error") {
          terminal = true;
          finishReason = "error";
          yield { type: "error", error: part.error };
        } else if (part.type === "finish") {
          terminal = true;
          finishReason = part.finishReason.unified;
        } else if (OUTPUT_PART_TYPES.has(part.type)) output = true;
      }
    } finally {
      // Also runs when the engine stops reading early; not awaited, as in sdkStreamCall.
      reader.cancel().catch(() => undefined);
    }
  } finally {
    race.close();
  }
  if (!terminal && !output) {
    yield {
      type: "error",
      error: new NoOutputGeneratedError({
        message: "No output generated. The model stream ended without a finish chunk.",
      }),
    };
    return;
  }
  yield { type: "finish", finishReason };
}

/** Provider stream parts `streamText` counts as output (its `isOutputChunkType`), text deltas aside. */
const OUTPUT_PART_TYPES: ReadonlySet<string> = new Set([
  "file",
  "source",
  "text-start",
  "text-end",
  "reasoning-start",
  "reasoning-end",
  "reasoning-delta",
  "tool-input-start",
  "tool-input-end",
  "tool-input-delta",
  "tool-approval-request",
  "tool-call",
  "tool-result",
  "tool-error",
]);

export async function* sdkStreamCall(
  model: LanguageModelV3,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  const result = streamText({
    model,
    ...promptInput(request.prompt),
    maxRetries: 0,
    abortSignal: signal,
    // The error also arrives as an `error` part; the default handler would print it to stderr as well.
    onError: () => undefined,
  });
  const reader = result.fullStream.getReader();
  const race = new AbortRace(signal);
  try {
    // Only four part kinds matter; reasoning, tool calls, sources and step markers are not served text.
    for (;;) {
      const next = await race.wait(reader.read());
      if (next.done) return;
      const part = next.value;
      if (part.type === "text-delta") yield { type: "text", text: part.text };
      else if (part.type === "error") yield { type: "error", error: part.error };
      else if (part.type === "finish")
        yield { type: "finish", finishReason: part.finishReason satisfies FinishReason };
      else if (part.type === "abort") throw abortReason(signal);
    }
  } finally {
    // Also runs when the engine stops reading early. Not awaited: cancelling a body that msw mocks never
    // settles (mswjs/interceptors#799), and nothing needs to wait for the cancel.
    reader.cancel().catch(() => undefined);
    race.close();
  }
}
