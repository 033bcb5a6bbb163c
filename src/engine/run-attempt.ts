import type { Clock, ClockTimer } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { StreamFailureError } from "../classify/stream-failure.ts";
import type { ModelCaller, ModelCallPart, Prompt } from "./ports.ts";
import { AttemptRequest, ProviderSignal } from "./provider-signal.ts";

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
  /** Where the provider's signal comes from; omitted = a fresh one. A request passes one to all its attempts. */
  readonly providerSignal?: ProviderSignal;
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

/** How an attempt waits for each step against its watchdog limit (epoch ms). */
interface StepWaiter {
  wait(next: Promise<IteratorResult<ModelCallPart>>, limitAt: number, now: number): Promise<Step>;
  /** The attempt is over: nothing may stay armed or listening. */
  close(): void;
}

/**
 * The watchdog as one sleep per step, on clocks without `timer` (the virtual clock). Kept exactly as it
 * was: a virtual clock orders same-time wake-ups by registration, and the scenario fixtures' bytes depend
 * on that order and on these promise hops.
 */
class SleepStepWaiter implements StepWaiter {
  constructor(
    private readonly clock: Clock,
    private readonly callerSignal: AbortSignal | undefined,
  ) {}

  wait(next: Promise<IteratorResult<ModelCallPart>>, limitAt: number, now: number): Promise<Step> {
    return nextStep(next, this.clock, limitAt - now, this.callerSignal);
  }

  close(): void {}
}

const TIMEOUT: Step = { kind: "timeout" };
const CALLER_ABORT: Step = { kind: "caller_abort" };

/**
 * The watchdog as ONE timer per attempt, on clocks with `timer` (the real clock): armed at the first limit
 * and left alone while later limits are no earlier, which is every step of a stream but the first. When it
 * fires before the current limit (the stall limit moved on with each part) it re-arms for the rest; a
 * limit that moves earlier re-arms at once. No AbortController, listener or sleep promise per step.
 */
class TimerStepWaiter implements StepWaiter {
  readonly #clock: Clock & Required<Pick<Clock, "timer">>;
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ClockTimer | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #limitAt = Number.POSITIVE_INFINITY;
  #settle: ((step: Step) => void) | undefined;

  constructor(clock: Clock & Required<Pick<Clock, "timer">>, callerSignal: AbortSignal | undefined) {
    this.#clock = clock;
    this.#callerSignal = callerSignal;
    callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  wait(next: Promise<IteratorResult<ModelCallPart>>, limitAt: number, now: number): Promise<Step> {
    this.#limitAt = limitAt;
    if (this.#timer === undefined || limitAt < this.#armedAt) this.#arm(limitAt, now);
    return new Promise<Step>((resolve) => {
      this.#settle = resolve;
      next.then(
        (result) => resolve({ kind: "part", result }),
        (error: unknown) => resolve({ kind: "threw", error }),
      );
    });
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#settle = undefined;
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }

  #arm(at: number, now: number): void {
    this.#timer?.cancel();
    this.#armedAt = at;
    this.#timer = this.#clock.timer(Math.max(0, at - now), this.#onTimer);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#limitAt > this.#armedAt) this.#arm(this.#limitAt, this.#clock.now());
    else this.#settle?.(TIMEOUT);
  };

  readonly #onCallerAbort = (): void => {
    this.#settle?.(CALLER_ABORT);
  };
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
  const provider = input.providerSignal ?? new ProviderSignal();
  provider.renew();
  const { callerSignal } = input;
  const forwardAbort =
    callerSignal === undefined ? undefined : (): void => provider.abort(callerSignal.reason);
  if (forwardAbort !== undefined) callerSignal?.addEventListener("abort", forwardAbort, { once: true });
  // Registered after forwardAbort, as the per-step listener always was: the provider's signal aborts first.
  const waiter: StepWaiter =
    clock.timer === undefined
      ? new SleepStepWaiter(clock, input.callerSignal)
      : new TimerStepWaiter(clock as Clock & Required<Pick<Clock, "timer">>, input.callerSignal);
  const start = clock.now();
  let iterator: AsyncIterator<ModelCallPart> | undefined;
  let text = "";
  let firstToken = false;

  function fail(error: unknown, source: FailureSource): AttemptOutcome {
    if (source !== "provider") provider.abort(error);
    void Promise.resolve(iterator?.return?.()).catch(() => undefined);
    return { ok: false, error, source, afterFirstToken: firstToken };
  }

  try {
    const parts = input.caller.call(new AttemptRequest(input.model, input.prompt, input.stream, provider));
    iterator = parts[Symbol.asyncIterator]();
    for (;;) {
      const now = clock.now();
      const watchdogAt = firstToken ? now + input.stallTimeoutMs : start + input.ttftTimeoutMs;
      const limitAt = Math.min(watchdogAt, input.deadlineAt);
      const step = await waiter.wait(iterator.next(), limitAt, now);
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
    waiter.close();
    if (forwardAbort !== undefined) callerSignal?.removeEventListener("abort", forwardAbort);
  }
}
