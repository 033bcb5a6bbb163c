import type { Clock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { StreamFailureError } from "../classify/stream-failure.ts";
import type { ModelCaller, ModelCallPart, Prompt } from "./ports.ts";

/** One attempt's inputs. */
export interface AttemptInput {
  readonly caller: ModelCaller;
  readonly clock: Clock;
  readonly model: ModelId;
  readonly prompt: Prompt;
  readonly stream: boolean;
  /** The caller's own cancellation. */
  readonly callerSignal: AbortSignal | undefined;
  /** Epoch ms at which the request's budget runs out. */
  readonly deadlineAt: number;
  readonly ttftTimeoutMs: number;
  readonly stallTimeoutMs: number;
  /** Receives streamed text as it arrives (streaming requests only). */
  readonly onText: ((text: string) => void) | undefined;
}

/** Who ended a failed attempt. */
export type FailureSource = "provider" | "watchdog" | "deadline" | "caller";

/** An attempt's result as data; the engine throws only at its public edge. */
export type AttemptOutcome =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly source: FailureSource;
      /** Text was received (and, when streaming, delivered) before the failure. */
      readonly afterFirstToken: boolean;
    };

type Step =
  | { readonly kind: "part"; readonly result: IteratorResult<ModelCallPart> }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "timeout" }
  | { readonly kind: "caller_abort" };

const never = new Promise<never>(() => undefined);

/** Cancels a watchdog sleep that lost its race. Allocated once: an abort without a reason builds a DOMException. */
const STEP_DONE = new Error("The watchdog's step is over.");

/** What an attempt cut short by the request's own budget failed with: a timeout, as fetch reports one. */
function deadlineError(): Error {
  const error = new Error("The request's deadline (fallback.deadline_ms) passed during the attempt.");
  error.name = "TimeoutError";
  return error;
}

/** Waits for the next part, the clock limit, or the caller's abort, whichever comes first. */
async function nextStep(
  next: Promise<IteratorResult<ModelCallPart>>,
  clock: Clock,
  waitMs: number,
  callerSignal: AbortSignal | undefined,
): Promise<Step> {
  const timer = new AbortController();
  const onAbort = (): void => timer.abort(STEP_DONE);
  callerSignal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race<Step>([
      next.then(
        (result) => ({ kind: "part", result }),
        (error: unknown) => ({ kind: "threw", error }),
      ),
      clock.sleep(Math.max(0, waitMs), timer.signal).then(
        () => ({ kind: "timeout" }),
        () => (callerSignal?.aborted ? { kind: "caller_abort" } : never),
      ),
    ]);
  } finally {
    callerSignal?.removeEventListener("abort", onAbort);
    // Cancels the pending sleep so a virtual clock never jumps to a stale timer.
    timer.abort(STEP_DONE);
  }
}

/**
 * Runs one provider call with the TTFT and stall watchdogs and the deadline on the injected clock. A stream
 * succeeds only when it ends with a clean `finish`; anything else is a failure, never a truncated success.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { clock } = input;
  if (input.callerSignal?.aborted) {
    return { ok: false, error: input.callerSignal.reason, source: "caller", afterFirstToken: false };
  }
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(input.callerSignal?.reason);
  input.callerSignal?.addEventListener("abort", forwardAbort, { once: true });
  const start = clock.now();
  let iterator: AsyncIterator<ModelCallPart> | undefined;
  let text = "";
  let firstToken = false;

  const fail = (error: unknown, source: FailureSource): AttemptOutcome => {
    if (source !== "provider" && !controller.signal.aborted) controller.abort(error);
    void Promise.resolve(iterator?.return?.()).catch(() => undefined);
    return { ok: false, error, source, afterFirstToken: firstToken };
  };

  try {
    const parts = input.caller.call({
      model: input.model,
      prompt: input.prompt,
      stream: input.stream,
      signal: controller.signal,
    });
    iterator = parts[Symbol.asyncIterator]();
    for (;;) {
      const now = clock.now();
      const watchdogAt = firstToken ? now + input.stallTimeoutMs : start + input.ttftTimeoutMs;
      const limitAt = Math.min(watchdogAt, input.deadlineAt);
      const step = await nextStep(iterator.next(), clock, limitAt - now, input.callerSignal);
      switch (step.kind) {
        case "caller_abort":
          return fail(input.callerSignal?.reason, "caller");
        case "timeout":
          if (limitAt === input.deadlineAt && input.deadlineAt < watchdogAt) {
            return fail(deadlineError(), "deadline");
          }
          return fail(
            firstToken
              ? new StreamFailureError("stream_stall", `No data for ${input.stallTimeoutMs} ms mid-stream.`)
              : new StreamFailureError("ttft_timeout", `No first token within ${input.ttftTimeoutMs} ms.`),
            "watchdog",
          );
        case "threw":
          return fail(step.error, input.callerSignal?.aborted ? "caller" : "provider");
        case "part": {
          if (step.result.done) {
            return fail(
              new StreamFailureError("stream_incomplete", "The stream ended without its end marker."),
              "provider",
            );
          }
          const part = step.result.value;
          switch (part.type) {
            case "text":
              if (part.text.length === 0) break;
              firstToken = true;
              text += part.text;
              if (input.stream) input.onText?.(part.text);
              break;
            case "error":
              return fail(part.error, "provider");
            case "finish":
              switch (part.finishReason) {
                case "stop":
                case "length":
                case "tool-calls":
                  return { ok: true, text };
                case "content-filter":
                  return fail({ finishReason: "content-filter" }, "provider");
                case "error":
                  return fail(
                    new StreamFailureError("stream_cut", "The stream finished with an error."),
                    "provider",
                  );
                case "other":
                case "unknown":
                  return fail(
                    new StreamFailureError("stream_incomplete", "The stream ended without its end marker."),
                    "provider",
                  );
                default: {
                  const unreachable: never = part.finishReason;
                  return unreachable;
                }
              }
            default: {
              const unreachable: never = part;
              return unreachable;
            }
          }
          break;
        }
        default: {
          const unreachable: never = step;
          return unreachable;
        }
      }
    }
  } catch (error) {
    return fail(error, input.callerSignal?.aborted ? "caller" : "provider");
  } finally {
    input.callerSignal?.removeEventListener("abort", forwardAbort);
  }
}
