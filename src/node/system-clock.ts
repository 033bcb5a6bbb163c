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
  sleep(ms, signal) {
    if (signal === undefined) return new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const wait = new SignalledSleep(signal, resolve, reject);
      wait.timer = setTimeout(wake, Math.max(0, ms), wait);
      signal.addEventListener("abort", wait.onAbort, { once: true });
    });
  },
  timer: (ms, onFire) => new SystemTimer(setTimeout(onFire, Math.max(0, ms))),
};

/**
 * One sleep a signal can end early. A class with its listener assigned in the constructor, the timer
 * handing it to a module function: every request waiting on this clock holds one (a fleet's latency, a
 * retry's backoff), and a named closure per sleep costs a 256-byte property array under tsx's keepNames,
 * an `async` wrapper a promise and a frame more (issue 15 item 5: 10,000 requests in flight under 200 MB).
 */
class SignalledSleep {
  timer: NodeJS.Timeout | undefined;
  readonly onAbort: () => void;

  constructor(
    readonly signal: AbortSignal,
    readonly resolve: () => void,
    reject: (reason: Error) => void,
  ) {
    this.onAbort = () => {
      clearTimeout(this.timer);
      reject(abortReason(signal));
    };
  }
}

function wake(wait: SignalledSleep): void {
  wait.signal.removeEventListener("abort", wait.onAbort);
  wait.resolve();
}
