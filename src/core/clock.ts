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
  /**
   * Optional: a sleep cancelled by a call rather than a signal. `cancel(reason)` before the wake rejects
   * `done` with `reason` at once, as `sleep` does when its signal aborts; after the wake it does nothing.
   * A watchdog step or a guard that is cancelled almost every time then costs no AbortController, listener
   * or abort event. Unlike `timer`, it keeps `sleep`'s promise and its place in the clock's wake order.
   */
  cancellableSleep?(ms: number): CancellableSleep;
}

/** A pending {@link Clock.cancellableSleep}. */
export interface CancellableSleep {
  readonly done: Promise<void>;
  cancel(reason: Error): void;
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

/** `clock.cancellableSleep(ms)`, or on a clock without it, a `sleep` on a signal made for it. */
export function cancellableSleep(clock: Clock, ms: number): CancellableSleep {
  if (clock.cancellableSleep !== undefined) return clock.cancellableSleep(ms);
  const controller = new AbortController();
  return { done: clock.sleep(ms, controller.signal), cancel: (reason) => controller.abort(reason) };
}

/**
 * One pending sleep of a {@link ManualClock}. A class rather than closures per sleep: it is its own abort
 * listener (`handleEvent`) and its own {@link CancellableSleep}.
 */
class Sleeper implements CancellableSleep {
  readonly done: Promise<void>;
  /** Set when the sleep was aborted; the heap drops it lazily. */
  cancelled = false;
  #settled = false;
  #resolve!: () => void;
  #reject!: (reason: Error) => void;

  constructor(
    readonly at: number,
    readonly order: number,
    private readonly counts: { live: number },
    private readonly signal: AbortSignal | undefined,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  wake(): void {
    this.#settled = true;
    this.signal?.removeEventListener("abort", this);
    this.#resolve();
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.cancel(abortReason(this.signal as AbortSignal));
  }

  cancel(reason: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.cancelled = true;
    this.counts.live--;
    this.#reject(reason);
  }
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
  /** Pending sleeps; shared with each sleeper, which counts its own cancel. */
  readonly #counts = { live: 0 };

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const sleeper = this.#schedule(ms, signal);
    signal?.addEventListener("abort", sleeper, { once: true });
    return sleeper.done;
  }

  cancellableSleep(ms: number): CancellableSleep {
    return this.#schedule(ms, undefined);
  }

  #schedule(ms: number, signal: AbortSignal | undefined): Sleeper {
    const sleeper = new Sleeper(this.#now + Math.max(0, ms), this.#order++, this.#counts, signal);
    this.#push(sleeper);
    this.#counts.live++;
    return sleeper;
  }

  /** How many sleeps are pending. */
  get pending(): number {
    return this.#counts.live;
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
      this.#counts.live--;
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
