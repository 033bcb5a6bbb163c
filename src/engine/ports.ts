import type { ModelId } from "../core/model-id.ts";

/** A chat prompt, as plain data. */
export type Prompt = string | readonly PromptMessage[];

/** One message of a prompt. */
export interface PromptMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** What the engine asks a model caller to do for one attempt. */
export interface ModelCallRequest {
  readonly model: ModelId;
  readonly prompt: Prompt;
  readonly stream: boolean;
  /** Aborts the attempt: the caller's own cancellation, a watchdog, or the deadline. */
  readonly signal: AbortSignal;
}

/**
 * What a model call yields, in order. A call that succeeds yields its text (one delta when not streaming)
 * and then exactly one `finish`. An `error` part, a thrown error, or an end without `finish` is a failure.
 */
export type ModelCallPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "finish"; readonly finishReason: FinishReason }
  | { readonly type: "error"; readonly error: unknown };

/** Normalised finish reasons (the AI SDK's names). */
export type FinishReason =
  "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other" | "unknown";

/** The port through which the engine reaches a provider. */
export interface ModelCaller {
  call(request: ModelCallRequest): AsyncIterable<ModelCallPart>;
}

/** Shrinks a prompt that overflowed its model's context (SPEC §4 `compact`). */
export type CompactionHook = (input: { readonly model: ModelId; readonly prompt: Prompt }) => Promise<Prompt>;
