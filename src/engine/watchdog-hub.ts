import type { Clock, ClockTimer } from "../core/clock.ts";

/** A clock that offers `timer` (the real clock). */
export type TimerClock = Clock & Required<Pick<Clock, "timer">>;

/**
 * One watchdog the hub times: an attempt's current step. `limitAt` is where its limit is now; `armedAt` is
 * the expiry the hub holds for it, which is left alone while the limit only moves later (a stream's stall
 * limit moves on with every part) and caught up with when it comes due.
 */
export interface Watch {
  limitAt: number;
  armedAt: number;
  /** The limit passed: called once, after the hub has dropped the watch. */
  expire(): void;
  /** The hub's own links (a watch is in at most one hub at a time); a new watch leaves them unset. */
  hubHeld?: boolean;
  hubPrev?: Watch | undefined;
  hubNext?: Watch | undefined;
}

/**
 * The watchdog timers of every attempt on one clock, behind ONE clock timer. Arming a timer per attempt
 * (a `setTimeout` and its `clearTimeout` on the real clock) was the largest single cost of a request that
 * is served at once; here an attempt only joins a set and leaves it. The timer is armed for the earliest
 * expiry held and re-armed only when an earlier one joins or when it fires; a watch that left is not
 * chased (its expiry may fire the timer for nothing, which then re-arms for the earliest left).
 *
 * While no watch is held the timer must not keep the process alive: it is `unref`'d when the clock's
 * timer offers that (and `ref`'d again when a watch joins), otherwise cancelled.
 */
export class WatchdogHub {
  readonly #clock: TimerClock;
  /**
   * The held watches in the order they joined, as a list linked through the watches themselves: a `Set`
   * going from one watch to none and back on every request served at once shrank and regrew its table
   * each time (an allocation per request).
   */
  #first: Watch | undefined;
  #last: Watch | undefined;
  #size = 0;
  #timer: ClockTimer | undefined;
  /** The expiry the timer is armed for. */
  #timerAt = Number.POSITIVE_INFINITY;
  /** Whether the armed timer is `unref`'d (only while idle). */
  #idle = false;
  readonly #onFire = (): void => {
    this.#fire();
  };

  constructor(clock: TimerClock) {
    this.#clock = clock;
  }

  /** How many watches are held (tests). */
  get size(): number {
    return this.#size;
  }

  /** Holds `watch` until `watch.armedAt`; `now` is the clock's time, to arm the timer from. */
  add(watch: Watch, now: number): void {
    if (watch.hubHeld !== true) this.#link(watch);
    if (this.#timer === undefined || watch.armedAt < this.#timerAt) this.#arm(watch.armedAt, now);
    else if (this.#idle) {
      this.#idle = false;
      this.#timer.ref?.();
    }
  }

  /** `watch.armedAt` moved earlier (its limit did): the timer follows if it was armed later. */
  earlier(watch: Watch, now: number): void {
    if (watch.armedAt < this.#timerAt) this.#arm(watch.armedAt, now);
  }

  /** Drops `watch`; the last one out leaves the timer armed but unable to keep the process alive. */
  remove(watch: Watch): void {
    if (watch.hubHeld !== true) return;
    this.#unlink(watch);
    if (this.#size > 0 || this.#timer === undefined) return;
    if (this.#timer.unref === undefined) {
      this.#timer.cancel();
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
    } else {
      this.#idle = true;
      this.#timer.unref();
    }
  }

  #link(watch: Watch): void {
    watch.hubHeld = true;
    watch.hubPrev = this.#last;
    watch.hubNext = undefined;
    if (this.#last === undefined) this.#first = watch;
    else this.#last.hubNext = watch;
    this.#last = watch;
    this.#size++;
  }

  #unlink(watch: Watch): void {
    const { hubPrev: prev, hubNext: next } = watch;
    if (prev === undefined) this.#first = next;
    else prev.hubNext = next;
    if (next === undefined) this.#last = prev;
    else next.hubPrev = prev;
    watch.hubHeld = false;
    watch.hubPrev = undefined;
    watch.hubNext = undefined;
    this.#size--;
  }

  #arm(at: number, now: number): void {
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#idle = false;
    this.#timer = this.#clock.timer(Math.max(0, at - now), this.#onFire);
  }

  /**
   * The timer fired for `#timerAt`: every watch held for that time or earlier is due, unless its limit
   * moved on, in which case the hub now holds it for its limit. One pass over the held watches; the
   * timer fires at most once per earliest expiry, so this stays cheap with thousands of attempts open.
   */
  #fire(): void {
    const firedAt = this.#timerAt;
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const due: Watch[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (let watch = this.#first; watch !== undefined; watch = watch.hubNext) {
      if (watch.armedAt <= firedAt) {
        if (watch.limitAt <= watch.armedAt) {
          due.push(watch);
          continue;
        }
        watch.armedAt = watch.limitAt;
      }
      if (watch.armedAt < next) next = watch.armedAt;
    }
    for (const watch of due) this.#unlink(watch);
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next, this.#clock.now());
    for (const watch of due) watch.expire();
  }
}

const hubs = new WeakMap<TimerClock, WatchdogHub>();
/** The last hub looked up: nearly every attempt in a process runs on the one real clock. */
let lastHub: WatchdogHub | undefined;
let lastClock: TimerClock | undefined;

/** The hub of `clock`, made on first use: every engine and attempt on one clock shares it. */
export function watchdogHubOf(clock: TimerClock): WatchdogHub {
  if (clock === lastClock && lastHub !== undefined) return lastHub;
  let hub = hubs.get(clock);
  if (hub === undefined) {
    hub = new WatchdogHub(clock);
    hubs.set(clock, hub);
  }
  lastClock = clock;
  lastHub = hub;
  return hub;
}
