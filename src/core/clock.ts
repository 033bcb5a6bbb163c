/**
 * Time reaches the engine only through this port, so a test or a simulation can run a day of traffic in
 * milliseconds and the same seed always gives the same audit bytes.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason (an AbortError) as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: calls `onFire` once after `ms` unless cancelled first. A watchdog re-armed on every streamed
   * part needs no promise, AbortSignal or listener per arm, which a `sleep` costs; the engine uses this when
   * a clock has it and `sleep` otherwise. `ManualClock` leaves it out on purpose: its same-time wake-ups
   * are ordered by sleep registration, and the recorded fixtures depend on that order.
   */
  timer?(ms: number, onFire: () => void): ClockTimer;
}

/** A pending {@link Clock.timer}. */
export interface ClockTimer {
  /** Stops the timer; `onFire` is not called. Harmless after it fired. */
  cancel(): void;
  /**
   * Optional, both or neither (Node's `Timeout.unref` / `ref`): `unref` lets the process exit while the
   * timer is pending, `ref` undoes it. With them the engine keeps its one watchdog timer armed between
   * attempts instead of cancelling and re-creating it for every attempt (`engine/watchdog-hub.ts`).
   */
  unref?(): void;
  ref?(): void;
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
  readonly wake: () => void;
  /** Set when the sleep was aborted; the heap drops it lazily. */
  cancelled: boolean;
}

/** True when `a` wakes before `b`: earlier time first, then registration order. */
function before(a: Sleeper, b: Sleeper): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/**
 * A clock that only moves when told to. Sleepers wake in (time, registration) order, which makes
 * concurrent requests interleave deterministically. A binary heap keeps each wake O(log n), so a day of
 * traffic with thousands of requests pending on the clock stays cheap.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #heap: Sleeper[] = [];
  #order = 0;
  #live = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        if (sleeper.cancelled) return;
        sleeper.cancelled = true;
        this.#live--;
        reject(abortReason(signal as AbortSignal));
      };
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        order: this.#order++,
        cancelled: false,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#push(sleeper);
      this.#live++;
    });
  }

  /** How many sleeps are pending. */
  get pending(): number {
    return this.#live;
  }

  /** The time the next sleeper wakes, if any. */
  nextWakeAt(): number | undefined {
    return this.#peek()?.at;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time to `target` (never backwards), waking every sleeper due by then. */
  advanceTo(target: number): void {
    for (let next = this.#peek(); next !== undefined && next.at <= target; next = this.#peek()) {
      this.#pop();
      this.#live--;
      this.#now = Math.max(this.#now, next.at);
      next.wake();
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

  /** The earliest live sleeper, dropping cancelled ones from the top. */
  #peek(): Sleeper | undefined {
    while (this.#heap[0]?.cancelled === true) this.#pop();
    return this.#heap[0];
  }

  #push(sleeper: Sleeper): void {
    const heap = this.#heap;
    heap.push(sleeper);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Sleeper;
      if (!before(sleeper, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = sleeper;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as Sleeper, heap[left] as Sleeper) ? right : left;
      if (!before(heap[child] as Sleeper, last)) break;
      heap[i] = heap[child] as Sleeper;
      i = child;
    }
    heap[i] = last;
  }
}
