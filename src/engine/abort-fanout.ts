/** Something told once when a caller's signal aborts: an attempt on the real clock. */
export interface AbortWatcher {
  /** The signal aborted; the watcher has already been dropped. */
  callerAborted(): void;
  /** The fan-out's own links (a watcher is on at most one signal at a time); a new watcher leaves them unset. */
  fanoutHeld?: boolean;
  fanoutPrev?: AbortWatcher | undefined;
  fanoutNext?: AbortWatcher | undefined;
}

/**
 * The attempts waiting on one caller signal, behind ONE abort listener. Node's EventTarget keeps a
 * signal's listeners in a list it walks on every `addEventListener` (to skip duplicates) and every
 * `removeEventListener`: 10,000 requests sharing one signal (a server's shutdown signal, the scale bench's
 * wall cap) made each attempt's add and remove O(n), about 2 s of CPU in the scale bench, and each
 * listener cost a `Listener` record and an options object. Here joining and leaving are O(1), through
 * links kept on the watchers themselves (no table to grow and shrink).
 *
 * The listener is registered when the first watcher joins and removed when the last one leaves, so a
 * signal used by one request at a time sees exactly what it saw before: one listener, added and removed at
 * the same moments. Watchers are told in the order they joined, as their own listeners were.
 */
class AbortFanout {
  readonly #signal: AbortSignal;
  #first: AbortWatcher | undefined;
  #last: AbortWatcher | undefined;
  #listening = false;
  readonly #onAbort = (): void => {
    this.#dispatch();
  };

  constructor(signal: AbortSignal) {
    this.#signal = signal;
  }

  add(watcher: AbortWatcher): void {
    if (watcher.fanoutHeld === true) return;
    watcher.fanoutHeld = true;
    watcher.fanoutPrev = this.#last;
    watcher.fanoutNext = undefined;
    if (this.#last === undefined) this.#first = watcher;
    else this.#last.fanoutNext = watcher;
    this.#last = watcher;
    if (!this.#listening) {
      this.#listening = true;
      this.#signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  remove(watcher: AbortWatcher): void {
    if (watcher.fanoutHeld !== true) return;
    this.#unlink(watcher);
    if (this.#first === undefined && this.#listening) {
      this.#listening = false;
      this.#signal.removeEventListener("abort", this.#onAbort);
    }
  }

  /**
   * Tells every watcher, first joined first, each dropped before it is told (a `once` listener). A watcher
   * that throws does not stop the others; its error is reported as an uncaught exception, as EventTarget
   * reports a throwing listener.
   */
  #dispatch(): void {
    this.#listening = false;
    for (let watcher = this.#first; watcher !== undefined; watcher = this.#first) {
      this.#unlink(watcher);
      try {
        watcher.callerAborted();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #unlink(watcher: AbortWatcher): void {
    const { fanoutPrev: prev, fanoutNext: next } = watcher;
    if (prev === undefined) this.#first = next;
    else prev.fanoutNext = next;
    if (next === undefined) this.#last = prev;
    else next.fanoutPrev = prev;
    watcher.fanoutHeld = false;
    watcher.fanoutPrev = undefined;
    watcher.fanoutNext = undefined;
  }
}

const fanouts = new WeakMap<AbortSignal, AbortFanout>();

/** Tells `watcher` once when `signal` aborts, unless {@link unwatchAbort} comes first. */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    fanout = new AbortFanout(signal);
    fanouts.set(signal, fanout);
  }
  fanout.add(watcher);
}

/** Stops telling `watcher` about `signal`; harmless when it was told already or never joined. */
export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  fanouts.get(signal)?.remove(watcher);
}
