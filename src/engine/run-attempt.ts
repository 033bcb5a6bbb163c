import type { Clock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { StreamFailureError } from "../classify/stream-failure.ts";
import type { ModelCaller, ModelCallPart, Prompt } from "./ports.ts";
import { AttemptRequest, ProviderSignal } from "./provider-signal.ts";
import { watchdogHubOf, type TimerClock, type Watch, type WatchdogHub } from "./watchdog-hub.ts";

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
  /** The clock as the caller read it just now, in this synchronous step; omitted = read it here. */
  readonly now?: number;
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
  // A bound function, not an arrow in a const: tsx's keepNames would wrap that in a `__name` call per step.
  const onAbort = timer.abort.bind(timer, STEP_DONE);
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
 * The watchdog on clocks with `timer` (the real clock): the attempt's current limit held by the clock's
 * {@link WatchdogHub}, which times every attempt on that clock with one timer. The hub holds the first limit
 * and leaves it alone while later limits are no earlier, which is every step of a stream but the first;
 * when it comes due before the current limit (the stall limit moved on with each part) the hub holds the
 * rest, and a limit that moves earlier is passed on at once. No AbortController, listener, sleep or timer
 * per step, and no closure per step either: the handlers are made once per attempt (steps never overlap:
 * each starts after the previous one settled, and a timeout or an abort ends the attempt). They are
 * assigned in the constructor, not declared as arrow fields, which tsx's keepNames would wrap in a
 * `__name` call each.
 */
class TimerStepWaiter implements StepWaiter, Watch {
  limitAt = Number.POSITIVE_INFINITY;
  armedAt = Number.POSITIVE_INFINITY;
  readonly #hub: WatchdogHub;
  readonly #callerSignal: AbortSignal | undefined;
  #held = false;
  #settle: ((step: Step) => void) | undefined;
  readonly #capture: (resolve: (step: Step) => void) => void;
  readonly #onPart: (result: IteratorResult<ModelCallPart>) => void;
  readonly #onThrew: (error: unknown) => void;
  readonly #onCallerAbort: (() => void) | undefined;

  /** `provider`: the attempt's provider signal, aborted (first) when the caller aborts. */
  constructor(clock: TimerClock, callerSignal: AbortSignal | undefined, provider: ProviderSignal) {
    this.#hub = watchdogHubOf(clock);
    this.#callerSignal = callerSignal;
    this.#capture = (resolve) => {
      this.#settle = resolve;
    };
    this.#onPart = (result) => this.#settle?.({ kind: "part", result });
    this.#onThrew = (error) => this.#settle?.({ kind: "threw", error });
    if (callerSignal !== undefined) {
      // One listener for both jobs, in the order two used to run: the provider's signal aborts first.
      this.#onCallerAbort = () => {
        provider.abort(callerSignal.reason);
        this.#settle?.(CALLER_ABORT);
      };
      callerSignal.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
  }

  wait(next: Promise<IteratorResult<ModelCallPart>>, limitAt: number, now: number): Promise<Step> {
    this.limitAt = limitAt;
    if (!this.#held) {
      this.#held = true;
      this.armedAt = limitAt;
      this.#hub.add(this, now);
    } else if (limitAt < this.armedAt) {
      this.armedAt = limitAt;
      this.#hub.earlier(this, now);
    }
    const step = new Promise<Step>(this.#capture);
    next.then(this.#onPart, this.#onThrew);
    return step;
  }

  /** The hub found the current limit passed (it has already let go of this watch). */
  expire(): void {
    this.#held = false;
    this.#settle?.(TIMEOUT);
  }

  close(): void {
    if (this.#held) {
      this.#held = false;
      this.#hub.remove(this);
    }
    this.#settle = undefined;
    if (this.#onCallerAbort !== undefined)
      this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }
}

/**
 * One attempt's moving parts, so that ending it is a method (`fail`) rather than a closure made per attempt.
 */
class AttemptState {
  readonly provider: ProviderSignal;
  iterator: AsyncIterator<ModelCallPart> | undefined;
  text = "";
  firstToken = false;

  constructor(provider: ProviderSignal) {
    this.provider = provider;
  }

  /** Ends the attempt as failed: aborts the provider's signal unless the provider failed, closes its stream. */
  fail(error: unknown, source: FailureSource): AttemptOutcome {
    if (source !== "provider") this.provider.abort(error);
    void Promise.resolve(this.iterator?.return?.()).catch(() => undefined);
    return { ok: false, error, source, afterFirstToken: this.firstToken };
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
  const provider = input.providerSignal ?? new ProviderSignal();
  provider.renew();
  const { callerSignal } = input;
  // On the sleep path the caller's abort is forwarded by its own listener, registered before the per-step
  // one so the provider's signal aborts first; the timer path's single listener does both in that order.
  const sleeps = clock.timer === undefined;
  const forwardAbort =
    callerSignal === undefined || !sleeps ? undefined : (): void => provider.abort(callerSignal.reason);
  if (forwardAbort !== undefined) callerSignal?.addEventListener("abort", forwardAbort, { once: true });
  const waiter: StepWaiter = sleeps
    ? new SleepStepWaiter(clock, callerSignal)
    : new TimerStepWaiter(clock as TimerClock, callerSignal, provider);
  // One clock read per step (see FailoverRequest.#walk): the attempt starts at the caller's reading.
  const start = input.now ?? clock.now();
  let now = start;
  const attempt = new AttemptState(provider);

  try {
    const parts = input.caller.call(new AttemptRequest(input.model, input.prompt, input.stream, provider));
    const iterator = parts[Symbol.asyncIterator]();
    attempt.iterator = iterator;
    for (;;) {
      const watchdogAt = attempt.firstToken ? now + input.stallTimeoutMs : start + input.ttftTimeoutMs;
      const limitAt = Math.min(watchdogAt, input.deadlineAt);
      const step = await waiter.wait(iterator.next(), limitAt, now);
      switch (step.kind) {
        case "caller_abort":
          return attempt.fail(input.callerSignal?.reason, "caller");
        case "timeout":
          if (limitAt === input.deadlineAt && input.deadlineAt < watchdogAt) {
            return attempt.fail(deadlineError(), "deadline");
          }
          return attempt.fail(
            attempt.firstToken
              ? new StreamFailureError("stream_stall", `No data for ${input.stallTimeoutMs} ms mid-stream.`)
              : new StreamFailureError("ttft_timeout", `No first token within ${input.ttftTimeoutMs} ms.`),
            "watchdog",
          );
        case "threw":
          return attempt.fail(step.error, input.callerSignal?.aborted ? "caller" : "provider");
        case "part": {
          if (step.result.done) {
            return attempt.fail(
              new StreamFailureError("stream_incomplete", "The stream ended without its end marker."),
              "provider",
            );
          }
          const part = step.result.value;
          switch (part.type) {
            case "text":
              if (part.text.length === 0) break;
              attempt.firstToken = true;
              attempt.text += part.text;
              if (input.stream) input.onText?.(part.text);
              break;
            case "error":
              return attempt.fail(part.error, "provider");
            case "finish":
              switch (part.finishReason) {
                case "stop":
                case "length":
                case "tool-calls":
                  return { ok: true, text: attempt.text };
                case "content-filter":
                  return attempt.fail({ finishReason: "content-filter" }, "provider");
                case "error":
                  return attempt.fail(
                    new StreamFailureError("stream_cut", "The stream finished with an error."),
                    "provider",
                  );
                case "other":
                case "unknown":
                  return attempt.fail(
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
      now = clock.now();
    }
  } catch (error) {
    return attempt.fail(error, input.callerSignal?.aborted ? "caller" : "provider");
  } finally {
    waiter.close();
    if (forwardAbort !== undefined) callerSignal?.removeEventListener("abort", forwardAbort);
  }
}
