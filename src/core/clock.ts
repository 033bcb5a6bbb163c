/**
 * Time reaches the engine only through this port, so a test or a simulation can run a day of traffic in
 * milliseconds and the same seed always gives the same audit bytes.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason (an AbortError) as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The error a sleep rejects with: the signal's reason when it is an Error, else an AbortError carrying it. */
export function abortReason(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error("This operation was aborted", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

interface Sleeper {
  readonly at: number;
  readonly order: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to. Sleepers wake in (time, registration) order, which makes
 * concurrent requests interleave deterministically.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #order = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many sleeps are pending. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** The time the next sleeper wakes, if any. */
  nextWakeAt(): number | undefined {
    let next: number | undefined;
    for (const s of this.#sleepers) if (next === undefined || s.at < next) next = s.at;
    return next;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time to `target` (never backwards), waking every sleeper due by then. */
  advanceTo(target: number): void {
    for (;;) {
      const due = this.#sleepers
        .filter((s) => s.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== due);
      this.#now = Math.max(this.#now, due.at);
      due.resolve();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Wakes only the earliest sleeper(s) due at the next wake time; returns false when none is pending. */
  advanceToNext(): boolean {
    const next = this.nextWakeAt();
    if (next === undefined) return false;
    this.advanceTo(next);
    return true;
  }
}
