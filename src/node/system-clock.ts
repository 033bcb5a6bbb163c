import { abortReason, type Clock, type ClockTimer } from "../core/clock.ts";

/** A watchdog's timer: a class, not a closure per arm. */
class SystemTimer implements ClockTimer {
  readonly #timeout: NodeJS.Timeout;

  constructor(timeout: NodeJS.Timeout) {
    this.#timeout = timeout;
  }

  cancel(): void {
    clearTimeout(this.#timeout);
  }

  // The engine's one watchdog timer stays armed between attempts, unref'd (engine/watchdog-hub.ts).
  unref(): void {
    this.#timeout.unref();
  }

  ref(): void {
    this.#timeout.ref();
  }
}

/**
 * The real clock: wall time from `Date.now()` and sleeps on `setTimeout`. A sleep rejects with the signal's
 * reason the moment the signal aborts and clears its timer, so an aborted request leaves nothing behind
 * that would keep the process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    if (signal?.aborted) throw abortReason(signal);
    const aborted = await new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(false);
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    if (aborted) throw abortReason(signal as AbortSignal);
  },
  timer: (ms, onFire) => new SystemTimer(setTimeout(onFire, Math.max(0, ms))),
};
