import { abortReason } from "../core/clock.ts";

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts. The SDK stops reading a
 * body when the signal fires only if the transport errors that body; an in-process mock (msw) leaves it
 * open, and so might a proxy that stalls, so an aborted attempt would otherwise hang on its next read.
 * An abort wins over data that is ready but not yet delivered. One promise and one listener per wait, no
 * `Promise.race` and no async frame: a stream waits here once per part.
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
