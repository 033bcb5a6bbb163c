import { APICallError, type LanguageModelV3, type LanguageModelV3Prompt } from "@ai-sdk/provider";
import { generateText } from "ai";
import { createRequire } from "node:module";
import { abortReason } from "../core/clock.ts";
import type { FinishReason, ModelCallPart, ModelCallRequest } from "../engine/ports.ts";
import { CALL_DONE } from "./call-done.ts";
import { ErrorBodyIn200, isErrorBody, isJson, safeJson } from "./error-body.ts";
import { promptInput } from "./provider-prompt.ts";
import { abortRejecter, ignore, untilAborted } from "./until-aborted.ts";

/** The `user-agent` suffix `generateText` adds to every call, read from the installed `ai` package. */
const AI_USER_AGENT = `ai/${readAiVersion()}`;

function readAiVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)("ai/package.json");
  if (typeof manifest === "object" && manifest !== null && "version" in manifest) {
    const { version } = manifest;
    if (typeof version === "string") return version;
  }
  throw new Error('Failed to read the version of the "ai" package: its package.json has none. Reinstall it.');
}

/** A non-streaming call of a prompt the SDK would reject (no messages, a non-string content): its own error. */
export async function* sdkGenerateCall(
  model: LanguageModelV3,
  request: ModelCallRequest,
): AsyncGenerator<ModelCallPart> {
  const { signal } = request;
  const result = await untilAborted(
    generateText({ model, ...promptInput(request.prompt), maxRetries: 0, abortSignal: signal }),
    signal,
  );
  yield { type: "text", text: result.text };
  yield { type: "finish", finishReason: result.finishReason satisfies FinishReason };
}

/**
 * What `generateText` with `maxRetries: 0` does for a text prompt, minus its prompt validation, telemetry
 * spans and step bookkeeping (most of its cost, which is most of a mocked call): the same call options, so
 * the provider sends the same request, and the provider's own error, which `generateText` rethrows
 * unchanged when it may not retry. A 200 whose JSON body is an error is that error, as errorBodyFetch makes
 * it on the other calls: read from the SDK's own reading of the body, the answer it parsed (Gemini's schema
 * takes an error body as an empty answer) or the body it could not parse (every other provider's).
 *
 * Yields the whole text and one `finish`, as an async generator would (the call starts at the first
 * `next()`; an error rejects that `next()` and ends the call; `return()` ends it), but as an object: every
 * request in flight holds its call, and an async generator held its frame, its register file, its queue of
 * pending requests and an extra promise and race per call on top (issue 15 item 5: 10,000 requests in
 * flight under 200 MB of heap).
 */
export class GenerateCall implements AsyncIterableIterator<ModelCallPart> {
  readonly #model: LanguageModelV3;
  readonly #prompt: LanguageModelV3Prompt;
  readonly #request: ModelCallRequest;
  #state: "new" | "running" | "finish" | "done" = "new";
  #finishReason: FinishReason = "other";

  constructor(model: LanguageModelV3, prompt: LanguageModelV3Prompt, request: ModelCallRequest) {
    this.#model = model;
    this.#prompt = prompt;
    this.#request = request;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ModelCallPart>> {
    switch (this.#state) {
      case "new":
        this.#state = "running";
        return this.#generate();
      case "finish":
        this.#state = "done";
        return Promise.resolve({ value: { type: "finish", finishReason: this.#finishReason }, done: false });
      case "running":
      case "done":
        return Promise.resolve(CALL_DONE);
      default: {
        const unreachable: never = this.#state;
        return unreachable;
      }
    }
  }

  return(): Promise<IteratorResult<ModelCallPart>> {
    this.#state = "done";
    return Promise.resolve(CALL_DONE);
  }

  /**
   * The provider's call, raced with the signal as `untilAborted` races it (an abort wins, and the call's own
   * later rejection is still observed), with one promise and one listener.
   */
  #generate(): Promise<IteratorResult<ModelCallPart>> {
    const { signal } = this.#request;
    let call: PromiseLike<Awaited<ReturnType<LanguageModelV3["doGenerate"]>>>;
    try {
      call = this.#model.doGenerate({
        prompt: this.#prompt,
        abortSignal: signal,
        headers: { "user-agent": AI_USER_AGENT },
      });
    } catch (error) {
      this.#state = "done";
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own error, passed on unchanged.
      return Promise.reject(errorBodyIn200Of(error) ?? error);
    }
    if (signal.aborted) {
      this.#state = "done";
      call.then(undefined, ignore);
      return Promise.reject(abortReason(signal));
    }
    return new Promise((resolve, reject) => {
      const onAbort = abortRejecter(signal, reject);
      signal.addEventListener("abort", onAbort, { once: true });
      call.then(
        (result) => {
          signal.removeEventListener("abort", onAbort);
          // Aborted before the answer: the listener, there from the start, has already rejected.
          if (signal.aborted) {
            this.#state = "done";
            return;
          }
          try {
            resolve({ value: { type: "text", text: this.#textOf(result) }, done: false });
          } catch (error) {
            this.#state = "done";
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- thrown by #textOf: an ErrorBodyIn200, or the SDK result's own fault.
            reject(error);
          }
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          this.#state = "done";
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own rejection, passed on unchanged.
          reject(errorBodyIn200Of(error) ?? error);
        },
      );
    });
  }

  /** The answer's text; throws the error a 200 JSON error body is. Sets the finish reason to report next. */
  #textOf(result: Awaited<ReturnType<LanguageModelV3["doGenerate"]>>): string {
    const { response } = result;
    if (isJson(response?.headers) && isErrorBody(response?.body)) throw new ErrorBodyIn200(response?.body);
    let text = "";
    for (const part of result.content) if (part.type === "text") text += part.text;
    this.#finishReason = result.finishReason.unified satisfies FinishReason;
    if (this.#state === "running") this.#state = "finish";
    return text;
  }
}

/** The error body behind an SDK error on a 200 JSON answer it could not read as one, if it is one. */
function errorBodyIn200Of(error: unknown): ErrorBodyIn200 | undefined {
  if (!APICallError.isInstance(error) || error.statusCode !== 200 || !isJson(error.responseHeaders))
    return undefined;
  const body = error.responseBody === undefined ? undefined : safeJson(error.responseBody);
  return isErrorBody(body) ? new ErrorBodyIn200(body) : undefined;
}
