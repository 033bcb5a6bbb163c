import { abortReason, type Clock } from "../core/clock.ts";

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
};
