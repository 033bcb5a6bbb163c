import type {
  LanguageModelV3,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { NoOutputGeneratedError, streamText } from "ai";
import { abortReason } from "../core/clock.ts";
import type { FinishReason, ModelCallPart, ModelCallRequest } from "../engine/ports.ts";
import { CALL_DONE } from "./call-done.ts";
import { promptInput } from "./provider-prompt.ts";
import { AbortRace, ignore } from "./until-aborted.ts";

/**
 * What `streamText` with `maxRetries: 0` makes of a text prompt's `doStream`, without its prompt validation,
 * telemetry and step machinery: the same call options; a `doStream` that throws is an `error` part; the
 * provider's `error` parts pass through unchanged; its finish reason is reported when the stream ends (as
 * `streamText` does); a stream with output but no finish chunk finishes `other`, and one with neither is
 * the SDK's `NoOutputGeneratedError`. Errors thrown while reading propagate, as they do through `streamText`.
 */
export function directStreamCall(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt,
  request: ModelCallRequest,
): AsyncIterableIterator<ModelCallPart> {
  return new StreamCall(model, prompt, request.signal);
}

type Step = Promise<IteratorResult<ModelCallPart>>;

/**
 * {@link directStreamCall}'s iterator: it starts at the first `next()`, ends after the part that ends it,
 * and `return()` cancels the stream; `next()` while a part is pending waits for that part first. An object,
 * not an async generator: a generator put its own promise and the resumption of an `await` on top of every
 * read, and a stream pays that per part. Here a part costs the read and one promise, however many parts that
 * carry nothing for the caller (stream start, metadata, text start and end) the read passes over. The
 * opening and every read race the signal through one listener (AbortRace).
 */
class StreamCall implements AsyncIterableIterator<ModelCallPart> {
  readonly #model: LanguageModelV3;
  readonly #prompt: LanguageModelV3Prompt;
  readonly #signal: AbortSignal;
  #state: "new" | "reading" | "done" = "new";
  #race: AbortRace | undefined;
  #reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
  /** The part being read, while it is. */
  #pending: Step | undefined;
  #resolve: ((result: IteratorResult<ModelCallPart>) => void) | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  #finishReason: FinishReason = "other";
  #output = false;
  #terminal = false;
  readonly #onRead: (next: ReadableStreamReadResult<LanguageModelV3StreamPart>) => void;
  /** Ends the call on a failed read or the signal's abort. */
  readonly #onFailure: (error: unknown) => void;

  constructor(model: LanguageModelV3, prompt: LanguageModelV3Prompt, signal: AbortSignal) {
    this.#model = model;
    this.#prompt = prompt;
    this.#signal = signal;
    this.#onRead = (next) => {
      try {
        this.#handle(next);
      } catch (error) {
        // A part the code above could not read (a provider's malformed part): the call fails with it.
        this.#fail(error);
      }
    };
    this.#onFailure = (error) => {
      this.#fail(error);
    };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Step {
    const pending = this.#pending;
    if (pending !== undefined) {
      // Rare (`for await` never does it): this next() runs once the pending part is out.
      const again = (): Step => this.next();
      return pending.then(again, again);
    }
    try {
      switch (this.#state) {
        case "new":
          return this.#open();
        case "reading":
          return this.#read();
        case "done":
          return Promise.resolve(CALL_DONE);
        default: {
          const unreachable: never = this.#state;
          return unreachable;
        }
      }
    } catch (error) {
      this.#release();
      this.#state = "done";
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the generator rejected with.
      return Promise.reject(error);
    }
  }

  return(): Step {
    if (this.#state !== "done") {
      this.#state = "done";
      this.#release();
      // A part still being read answers that the call is over.
      this.#settle(CALL_DONE);
    }
    return Promise.resolve(CALL_DONE);
  }

  #open(): Step {
    let opening: PromiseLike<LanguageModelV3StreamResult>;
    try {
      // No `ai/<version>` user-agent here: unlike `generateText`, `streamText` adds none.
      opening = this.#model.doStream({ prompt: this.#prompt, abortSignal: this.#signal });
    } catch (error) {
      this.#state = "done";
      return Promise.resolve({ value: { type: "error", error }, done: false });
    }
    const race = new AbortRace(this.#signal);
    this.#race = race;
    const step = this.#step();
    race
      .wait(
        opening.then(
          (result) => ({ ok: true as const, stream: result.stream }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      )
      .then((opened) => {
        if (this.#resolve === undefined) {
          // The caller returned while the call was opening: nobody reads this stream.
          if (opened.ok) opened.stream.cancel().catch(ignore);
          return;
        }
        if (!opened.ok) {
          // The provider's refusal is a part; only the signal's abort rejects.
          this.#release();
          this.#state = "done";
          this.#settle({ value: { type: "error", error: opened.error }, done: false });
          return;
        }
        try {
          this.#reader = opened.stream.getReader();
        } catch (error) {
          this.#fail(error);
          return;
        }
        this.#state = "reading";
        this.#pullHeld(race);
      }, this.#onFailure);
    return step;
  }

  /** A `next()`'s promise, settled by #settle or #fail. */
  #step(): Step {
    const step: Step = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#pending = step;
    return step;
  }

  /** Reads until a part for the caller, the stream's end, its failure or the signal's abort. */
  #read(): Step {
    const step = this.#step();
    this.#pullHeld(this.#race as AbortRace);
    return step;
  }

  /** Reads on, with the signal's abort held to reject the pending `next()`. */
  #pullHeld(race: AbortRace): void {
    if (race.hold(this.#onFailure)) this.#pull();
    else this.#fail(race.reason());
  }

  #pull(): void {
    (this.#reader as ReadableStreamDefaultReader<LanguageModelV3StreamPart>)
      .read()
      .then(this.#onRead, this.#onFailure);
  }

  #handle(next: ReadableStreamReadResult<LanguageModelV3StreamPart>): void {
    // Settled already: the signal aborted or the caller returned first.
    if (this.#resolve === undefined) return;
    if (next.done) {
      this.#release();
      this.#state = "done";
      this.#settle(this.#last());
      return;
    }
    const part = next.value;
    if (part.type === "text-delta") {
      this.#output = true;
      if (part.delta.length > 0) {
        this.#settle({ value: { type: "text", text: part.delta }, done: false });
        return;
      }
    } else if (part.type === "error") {
      this.#terminal = true;
      this.#finishReason = "error";
      this.#settle({ value: { type: "error", error: part.error }, done: false });
      return;
    } else if (part.type === "finish") {
      this.#terminal = true;
      this.#finishReason = part.finishReason.unified;
    } else if (OUTPUT_PART_TYPES.has(part.type)) this.#output = true;
    this.#pull();
  }

  /** The part after the stream's end: its finish, or the SDK's error for a stream with nothing in it. */
  #last(): IteratorResult<ModelCallPart> {
    if (!this.#terminal && !this.#output)
      return {
        value: {
          type: "error",
          error: new NoOutputGeneratedError({
            message: "No output generated. The model stream ended without a finish chunk.",
          }),
        },
        done: false,
      };
    return { value: { type: "finish", finishReason: this.#finishReason }, done: false };
  }

  #settle(result: IteratorResult<ModelCallPart>): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    this.#pending = undefined;
    this.#race?.letGo();
    resolve?.(result);
  }

  /** The read failed or the signal aborted: the call is over, and the pending `next()` rejects. */
  #fail(error: unknown): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#resolve = undefined;
    this.#reject = undefined;
    this.#pending = undefined;
    this.#release();
    this.#state = "done";
    reject(error);
  }

  /** Cancels the stream (also when the caller stops reading early; not awaited, as in sdkStreamCall) and stops listening. */
  #release(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.cancel().catch(ignore);
    this.#race?.close();
  }
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
