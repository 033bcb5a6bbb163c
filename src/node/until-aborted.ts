import { abortReason } from "../core/clock.ts";

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. The SDK stops reading a
 * body when the signal fires only if the transport errors that body; an in-process mock (msw) leaves it
 * open, and so might a proxy that stalls, so an aborted attempt would otherwise hang on its next read.
 * An abort wins over data that is ready but not yet delivered. One promise and one listener per wait, no
 * `Promise.race` and no async frame. For a call that waits once; one that waits per part uses {@link AbortRace}.
 */
export function untilAborted<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Still observed, so a later rejection of `promise` is not reported as unhandled.
    promise.then(undefined, ignore);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = abortRejecter(signal, reject);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own rejection, passed on unchanged.
        reject(error);
      },
    );
  });
}

/**
 * The abort listener of one wait. Returned by a factory, so it is neither a named closure (a `__name` call
 * and a 256-byte property array each under tsx) nor an `EventListener` object, for which Node's
 * EventTarget makes an async wrapper closure per listener.
 */
export function abortRejecter(signal: AbortSignal, reject: (reason: unknown) => void): () => void {
  return () => reject(abortReason(signal));
}

export const ignore = (): void => undefined;

/**
 * `untilAborted` for a call that waits many times on one signal (a stream, once per part): one abort listener
 * for the whole call instead of one added and removed per wait, which Node's EventTarget makes the dearest
 * part of a wait. The listener rejects the wait that is pending when the signal aborts, so, as with
 * `untilAborted`, an abort wins over data that is ready but not yet delivered. `close` when the call ends.
 */
export class AbortRace {
  readonly #signal: AbortSignal;
  /** Rejects the pending wait; undefined between waits. */
  #reject: ((reason: unknown) => void) | undefined;
  readonly #onAbort: () => void;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    this.#onAbort = () => {
      const reject = this.#reject;
      this.#reject = undefined;
      reject?.(abortReason(signal));
    };
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. One wait at a time. */
  wait<T>(promise: PromiseLike<T>): Promise<T> {
    if (this.#signal.aborted) {
      // Still observed, so a later rejection of `promise` is not reported as unhandled.
      promise.then(undefined, ignore);
      return Promise.reject(abortReason(this.#signal));
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      promise.then(
        (value) => {
          this.#reject = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.#reject = undefined;
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the provider's own rejection, passed on unchanged.
          reject(error);
        },
      );
    });
  }

  /**
   * For a wait built by hand: `reject` is what the signal's abort calls until `letGo`. False, holding
   * nothing, when the signal has already aborted: the caller rejects with {@link reason} itself.
   */
  hold(reject: (reason: unknown) => void): boolean {
    if (this.#signal.aborted) return false;
    this.#reject = reject;
    return true;
  }

  letGo(): void {
    this.#reject = undefined;
  }

  /** What an abort rejects a wait with. */
  reason(): Error {
    return abortReason(this.#signal);
  }

  close(): void {
    this.#reject = undefined;
    this.#signal.removeEventListener("abort", this.#onAbort);
  }
}
