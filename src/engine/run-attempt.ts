import { cancellableSleep, type Clock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { StreamFailureError } from "../classify/stream-failure.ts";
import type { ModelCaller, ModelCallPart, Prompt } from "./ports.ts";
import { unwatchAbort, watchAbort, type AbortWatcher } from "./abort-fanout.ts";
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

/** Drops a closed stream's late rejection: one function for every failed attempt, not a closure each. */
const ignore = (): void => undefined;

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
  const timer = cancellableSleep(clock, Math.max(0, waitMs));
  // A bound function, not an arrow in a const: tsx's keepNames would wrap that in a `__name` call per step.
  const onAbort = timer.cancel.bind(timer, STEP_DONE);
  callerSignal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race<Step>([
      next.then(
        (result) => ({ kind: "part", result }),
        (error: unknown) => ({ kind: "threw", error }),
      ),
      timer.done.then(
        () => ({ kind: "timeout" }),
        () => (callerSignal?.aborted ? { kind: "caller_abort" } : never),
      ),
    ]);
  } finally {
    callerSignal?.removeEventListener("abort", onAbort);
    // Cancels the pending sleep so a virtual clock never jumps to a stale timer.
    timer.cancel(STEP_DONE);
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
    void Promise.resolve(this.iterator?.return?.()).then(undefined, ignore);
    return { ok: false, error, source, afterFirstToken: this.firstToken };
  }
}

/**
 * One attempt on a clock with `timer` (the real clock), run as callbacks on the provider's parts rather than
 * as an async loop: its one promise is made per attempt, not per step, and a part is handled in the turn it
 * arrives, which the loop spent a promise, a step object and a microtask turn on. The watchdog is the
 * attempt's current limit held by the clock's {@link WatchdogHub}, which times every attempt on that clock
 * with one timer. The hub holds the first limit and leaves it alone while later limits are no earlier, which
 * is every step of a stream but the first; when it comes due before the current limit (the stall limit moved
 * on with each part) the hub holds the rest, and a limit that moves earlier is passed on at once. No
 * AbortController, listener, sleep or timer per step. The handlers are made once per attempt and assigned
 * in the constructor, not declared as arrow fields, which tsx's keepNames would wrap in a `__name` call each.
 *
 * What the async loop did, in the same order: the caller's abort and the watchdog end a step that is pending
 * (the provider's signal aborted first, then the stream closed, then the watch dropped); a part arriving after
 * the attempt ended is ignored; anything a step throws (the caller's `onText`, a synchronous `next`) fails the
 * attempt as the provider's failure, or the caller's once it aborted.
 */
class TimedAttempt extends AttemptState implements Watch, AbortWatcher {
  limitAt = Number.POSITIVE_INFINITY;
  armedAt = Number.POSITIVE_INFINITY;
  hubHeld = false;
  hubPrev: Watch | undefined = undefined;
  hubNext: Watch | undefined = undefined;
  fanoutHeld = false;
  fanoutPrev: AbortWatcher | undefined = undefined;
  fanoutNext: AbortWatcher | undefined = undefined;
  readonly #input: AttemptInput;
  readonly #hub: WatchdogHub;
  readonly #start: number;
  #now: number;
  /** The pending step's watchdog limit (before the deadline is applied). */
  #watchdogAt = Number.POSITIVE_INFINITY;
  #held = false;
  /** A step is pending: only then do the caller's abort and the watchdog end the attempt. */
  #waiting = false;
  #done = false;
  #resolve: ((outcome: AttemptOutcome) => void) | undefined;
  readonly #onPart: (result: IteratorResult<ModelCallPart>) => void;
  readonly #onThrew: (error: unknown) => void;

  constructor(input: AttemptInput, clock: TimerClock, provider: ProviderSignal, start: number) {
    super(provider);
    this.#input = input;
    this.#hub = watchdogHubOf(clock);
    this.#start = start;
    this.#now = start;
    this.#onPart = (result) => {
      this.#part(result);
    };
    this.#onThrew = (error) => {
      if (!this.#waiting || this.#done) return;
      this.#waiting = false;
      this.#end(this.fail(error, this.#input.callerSignal?.aborted ? "caller" : "provider"));
    };
    // Told through the signal's one fan-out listener, not a listener per attempt (abort-fanout.ts).
    if (input.callerSignal !== undefined) watchAbort(input.callerSignal, this);
  }

  /** The caller's signal aborted: one handler for both jobs, the provider's signal aborted first. */
  callerAborted(): void {
    const reason: unknown = this.#input.callerSignal?.reason;
    this.provider.abort(reason);
    if (!this.#waiting || this.#done) return;
    this.#waiting = false;
    this.#end(this.fail(reason, "caller"));
  }

  run(): Promise<AttemptOutcome> {
    const outcome = new Promise<AttemptOutcome>((resolve) => {
      this.#resolve = resolve;
    });
    const input = this.#input;
    try {
      const parts = input.caller.call(
        new AttemptRequest(input.model, input.prompt, input.stream, this.provider),
      );
      this.iterator = parts[Symbol.asyncIterator]();
      this.#next(this.iterator);
    } catch (error) {
      this.#end(this.fail(error, input.callerSignal?.aborted ? "caller" : "provider"));
    }
    return outcome;
  }

  /** Asks for the next part against the current watchdog limit. */
  #next(iterator: AsyncIterator<ModelCallPart>): void {
    const input = this.#input;
    const watchdogAt = this.firstToken ? this.#now + input.stallTimeoutMs : this.#start + input.ttftTimeoutMs;
    const limitAt = Math.min(watchdogAt, input.deadlineAt);
    const next = iterator.next();
    this.#watchdogAt = watchdogAt;
    this.limitAt = limitAt;
    if (!this.#held) {
      this.#held = true;
      this.armedAt = limitAt;
      this.#hub.add(this, this.#now);
    } else if (limitAt < this.armedAt) {
      this.armedAt = limitAt;
      this.#hub.earlier(this, this.#now);
    }
    this.#waiting = true;
    next.then(this.#onPart, this.#onThrew);
  }

  #part(result: IteratorResult<ModelCallPart>): void {
    if (!this.#waiting || this.#done) return;
    this.#waiting = false;
    const input = this.#input;
    try {
      const outcome = handlePart(result, this, input);
      if (outcome !== undefined) {
        this.#end(outcome);
        return;
      }
      this.#now = input.clock.now();
      this.#next(this.iterator as AsyncIterator<ModelCallPart>);
    } catch (error) {
      this.#end(this.fail(error, input.callerSignal?.aborted ? "caller" : "provider"));
    }
  }

  /** The hub found the current limit passed (it has already let go of this watch). */
  expire(): void {
    this.#held = false;
    if (!this.#waiting || this.#done) return;
    this.#waiting = false;
    const input = this.#input;
    if (this.limitAt === input.deadlineAt && input.deadlineAt < this.#watchdogAt) {
      this.#end(this.fail(deadlineError(), "deadline"));
      return;
    }
    this.#end(
      this.fail(
        this.firstToken
          ? new StreamFailureError("stream_stall", `No data for ${input.stallTimeoutMs} ms mid-stream.`)
          : new StreamFailureError("ttft_timeout", `No first token within ${input.ttftTimeoutMs} ms.`),
        "watchdog",
      ),
    );
  }

  /** The attempt is over: nothing stays armed or listening, and its outcome is handed over. */
  #end(outcome: AttemptOutcome): void {
    this.#done = true;
    if (this.#held) {
      this.#held = false;
      this.#hub.remove(this);
    }
    const { callerSignal } = this.#input;
    if (callerSignal !== undefined) unwatchAbort(callerSignal, this);
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(outcome);
  }
}

/**
 * Handles one part of the stream: the attempt's outcome when the part ends it, `undefined` when the stream
 * goes on. Throws what the caller's `onText` throws.
 */
function handlePart(
  result: IteratorResult<ModelCallPart>,
  attempt: AttemptState,
  input: AttemptInput,
): AttemptOutcome | undefined {
  if (result.done) {
    return attempt.fail(
      new StreamFailureError("stream_incomplete", "The stream ended without its end marker."),
      "provider",
    );
  }
  const part = result.value;
  switch (part.type) {
    case "text":
      if (part.text.length === 0) return undefined;
      attempt.firstToken = true;
      attempt.text += part.text;
      if (input.stream) input.onText?.(part.text);
      return undefined;
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
}

/**
 * Runs one provider call with the TTFT and stall watchdogs and the deadline on the injected clock. A stream
 * succeeds only when it ends with a clean `finish`; anything else is a failure, never a truncated success.
 * Not `async`: the promise is the attempt's own, so awaiting it costs its caller no extra turn.
 */
export function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { clock, callerSignal } = input;
  if (callerSignal?.aborted) {
    const reason: unknown = callerSignal.reason;
    return Promise.resolve({ ok: false, error: reason, source: "caller", afterFirstToken: false });
  }
  const provider = input.providerSignal ?? new ProviderSignal();
  provider.renew();
  if (clock.timer === undefined) return runSleepingAttempt(input, provider);
  // One clock read per step (see FailoverRequest.#walk): the attempt starts at the caller's reading.
  return new TimedAttempt(input, clock as TimerClock, provider, input.now ?? clock.now()).run();
}

/**
 * The attempt on clocks without `timer` (the virtual clock): an async loop waiting for each step with one
 * sleep. Kept exactly as it was: a virtual clock orders same-time wake-ups by registration, and the scenario
 * fixtures' bytes depend on that order and on these promise hops.
 */
async function runSleepingAttempt(input: AttemptInput, provider: ProviderSignal): Promise<AttemptOutcome> {
  const { clock, callerSignal } = input;
  // The caller's abort is forwarded by its own listener, registered before the per-step one so the
  // provider's signal aborts first.
  const forwardAbort =
    callerSignal === undefined ? undefined : (): void => provider.abort(callerSignal.reason);
  if (forwardAbort !== undefined) callerSignal?.addEventListener("abort", forwardAbort, { once: true });
  const waiter = new SleepStepWaiter(clock, callerSignal);
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
          const outcome = handlePart(step.result, attempt, input);
          if (outcome !== undefined) return outcome;
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
