import { systemClock, type Clock } from "../../src/index.ts";

/** A real clock whose sleeps can be held: the fleet waits on it, so requests stay in flight at will. */
export interface HeldClock extends Clock {
  /** From now on every sleep waits for {@link release} instead of its time. */
  hold(): void;
  /** Wakes every held sleep at once; later sleeps take their real time again. */
  release(): void;
  /** Sleeps waiting for {@link release}. */
  readonly held: number;
}

/**
 * Wall time and real sleeps, except while held. The scale probe holds the fleet's latency so that every
 * request of a wave has reached the fleet and waits there when the heap is measured: the moment of most
 * requests in flight, taken on purpose rather than hoped for by a timer.
 */
export function createHeldClock(): HeldClock {
  let holding = false;
  let waiting: (() => void)[] = [];
  return {
    now: () => systemClock.now(),
    sleep(ms, signal) {
      if (!holding) return systemClock.sleep(ms, signal);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(asError(signal.reason));
          return;
        }
        // An abort rejects at once; the held wake-up then resolves a settled promise, which is harmless.
        signal?.addEventListener("abort", () => reject(asError(signal.reason)), { once: true });
        waiting.push(resolve);
      });
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const wake = waiting;
      waiting = [];
      for (const resolve of wake) resolve();
    },
    get held() {
      return waiting.length;
    },
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
