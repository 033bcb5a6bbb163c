import { createRequire, syncBuiltinESMExports } from "node:module";
import { promisify } from "node:util";
import type { ManualClock } from "../../src/core/clock.ts";

// The engine's own timers and `Date` on the scenario's virtual clock (SPEC §10.1), so a library's real-timer
// backoff, breaker half-open or reset interval runs as written: no false hang, and Date.now moves with the
// scenario. Each virtual timer is a sleeper on the scenario's ManualClock, so the discrete-event driver
// (virtual-time.ts) sees it as it sees the harness's own sleeps and jumps to it when everything is idle.
// Why not @sinonjs/fake-timers: it keeps its own clock and timer list, with no public "when is the next timer
// due" short of running it, so the driver would have to merge two clocks; one heap keeps one order of events.
// setImmediate, process.nextTick and queueMicrotask stay real: they are not time, and the driver's idle
// detection is made of them.

const require = createRequire(import.meta.url);
// The CJS export objects: patching them is what `import { setTimeout } from "node:timers"` sees after
// syncBuiltinESMExports (ESM namespaces of builtins are read-only views of these).
const timers = require("node:timers") as Record<string, unknown>;
const timerPromises = require("node:timers/promises") as Record<string, unknown> & {
  readonly scheduler: Record<string, unknown>;
};

/** Node's TIMEOUT_MAX: a longer delay (or NaN, or below 1) becomes 1 ms, as in Node. */
const TIMEOUT_MAX = 2 ** 31 - 1;

function coerceDelay(ms: unknown): number {
  const after = Number(ms);
  return after >= 1 && after <= TIMEOUT_MAX ? Math.trunc(after) : 1;
}

/** Node's AbortError from timers/promises (name, code, cause), which libraries test by name or code. */
class AbortError extends Error {
  readonly code = "ABORT_ERR";
  constructor(cause: unknown) {
    super("The operation was aborted", { cause });
    this.name = "AbortError";
  }
}

function invalidCallback(callback: unknown): TypeError {
  const error = new TypeError(
    `The "callback" argument must be of type function. Received ${typeof callback}`,
  ) as TypeError & { code: string };
  error.code = "ERR_INVALID_ARG_TYPE";
  return error;
}

/** A timer on the virtual clock with the surface of Node's Timeout object. */
export class VirtualTimer {
  #controller: AbortController | null = null;
  #refed = true;
  /** Cleared (clearTimeout, close): unlike a timeout that fired, `refresh` no longer re-arms it. */
  #cleared = false;

  constructor(
    readonly id: number,
    readonly ms: number,
    readonly repeat: boolean,
    private readonly clock: ManualClock,
    private readonly onFire: () => void,
    private readonly registry: Map<number, VirtualTimer>,
  ) {}

  /** True while it will still fire. */
  get armed(): boolean {
    return this.#controller !== null;
  }

  arm(): void {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.registry.set(this.id, this);
    this.clock.sleep(this.ms, controller.signal).then(
      () => this.#fire(controller),
      () => undefined,
    );
  }

  #fire(controller: AbortController): void {
    if (this.#controller !== controller) return;
    if (this.repeat) this.arm();
    else this.#disarm();
    try {
      this.onFire();
    } catch (error) {
      // As a real timer's callback: the throw escapes to uncaughtException, not to a rejected promise.
      process.nextTick(() => {
        throw error;
      });
    }
  }

  #disarm(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.registry.delete(this.id);
  }

  close(): this {
    this.#cleared = true;
    this.#disarm();
    return this;
  }

  /** Restarts the countdown from now; as in Node, this re-arms a timeout that already fired. */
  refresh(): this {
    if (!this.#cleared) this.arm();
    return this;
  }

  ref(): this {
    this.#refed = true;
    return this;
  }

  unref(): this {
    this.#refed = false;
    return this;
  }

  hasRef(): boolean {
    return this.#refed;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** What an installation offers the harness after the engine ran. */
export interface VirtualGlobals {
  /** Ref'd virtual timers still armed, grouped: `["1 Timeout (virtual, 30000 ms interval)"]`. */
  leakedTimers(): string[];
}

type TimerCallback = (...args: unknown[]) => void;

function timerFactory(clock: ManualClock) {
  const registry = new Map<number, VirtualTimer>();
  let nextId = 1;
  const create = (callback: unknown, ms: unknown, repeat: boolean, args: unknown[]): VirtualTimer => {
    if (typeof callback !== "function") throw invalidCallback(callback);
    const fn = callback as TimerCallback;
    const timer = new VirtualTimer(nextId++, coerceDelay(ms), repeat, clock, () => fn(...args), registry);
    timer.arm();
    return timer;
  };
  const clear = (timer: unknown): void => {
    if (timer instanceof VirtualTimer) timer.close();
    else if (typeof timer === "number" || typeof timer === "string") registry.get(Number(timer))?.close();
  };
  return { registry, create, clear };
}

/** timers/promises' setTimeout: resolves with `value` after `ms` of virtual time. */
function promiseTimeout(create: ReturnType<typeof timerFactory>["create"]) {
  return <T = void>(ms?: number, value?: T, options: { signal?: AbortSignal; ref?: boolean } = {}) =>
    new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(new AbortError(signal.reason));
        return;
      }
      const onAbort = (): void => {
        timer.close();
        reject(new AbortError(signal?.reason));
      };
      const timer = create(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value as T);
        },
        ms,
        false,
        [],
      );
      if (options.ref === false) timer.unref();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/** timers/promises' setInterval: an async iterator yielding `value` every `ms`; ticks not yet read queue up. */
function promiseInterval(create: ReturnType<typeof timerFactory>["create"]) {
  return async function* <T = void>(
    ms?: number,
    value?: T,
    options: { signal?: AbortSignal; ref?: boolean } = {},
  ): AsyncGenerator<T> {
    const { signal } = options;
    if (signal?.aborted) throw new AbortError(signal.reason);
    let ticks = 0;
    let wake: (() => void) | null = null;
    const timer = create(
      () => {
        ticks++;
        wake?.();
      },
      ms,
      true,
      [],
    );
    if (options.ref === false) timer.unref();
    const onAbort = (): void => wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        if (ticks === 0 && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (signal?.aborted) throw new AbortError(signal.reason);
        ticks--;
        yield value as T;
      }
    } finally {
      timer.close();
      signal?.removeEventListener("abort", onAbort);
    }
  };
}

/** `Date` reading the virtual clock when called with no time; everything else is the real `Date`. */
function virtualDate(clockNow: () => ManualClock): DateConstructor {
  const RealDate = Date;
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    // Called without `new`, Date ignores its arguments and returns the current time as a string.
    if (new.target === undefined) return new RealDate(clockNow().now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [clockNow().now()] : args, new.target);
  }
  // One prototype for both, so `instanceof Date` holds for dates made before and after the install.
  VirtualDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(VirtualDate, RealDate);
  Object.defineProperty(VirtualDate, "now", {
    value: () => clockNow().now(),
    writable: true,
    configurable: true,
  });
  return VirtualDate as unknown as DateConstructor;
}

/** Describes the ref'd timers still armed, grouped by kind. */
function describeLeaks(registry: Map<number, VirtualTimer>): string[] {
  const counts = new Map<string, number>();
  for (const timer of registry.values()) {
    if (!timer.hasRef()) continue;
    const kind = `Timeout (virtual, ${timer.ms} ms${timer.repeat ? " interval" : ""})`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}`);
}

/** Virtual globals installed once in a warm isolate that runs several scenarios, each on its own clock. */
export interface SwitchableVirtualGlobals {
  /**
   * Puts the globals on `clock` from now on (a fresh timer registry, `performance.now` counted from here),
   * before the next scenario's engine is loaded. Timers armed on an earlier clock never fire again: that
   * clock is no longer driven.
   */
  use(clock: ManualClock): VirtualGlobals;
}

/**
 * Puts `Date`, `setTimeout`/`clearTimeout`, `setInterval`/`clearInterval`, `performance.now` and the
 * `node:timers` / `node:timers/promises` timers on `clock`. Call it after the harness's own modules are
 * loaded (they keep the real functions they captured) and before the engine is imported (it may capture
 * `setTimeout` at import time). There is no uninstall: the isolate that calls it is discarded afterwards.
 */
export function installVirtualGlobals(clock: ManualClock): VirtualGlobals {
  return installSwitchableVirtualGlobals().use(clock);
}

/**
 * {@link installVirtualGlobals} for a warm isolate: the installed functions read the clock of the scenario
 * now running, so an engine module evaluated afresh for each scenario captures functions that follow that
 * scenario's clock. Call `use` before anything reads the globals.
 */
export function installSwitchableVirtualGlobals(): SwitchableVirtualGlobals {
  let current: { clock: ManualClock; timers: ReturnType<typeof timerFactory>; clockBase: number } | null =
    null;
  const now = (): ManualClock => {
    if (current === null) throw new Error("virtual globals read before a clock was chosen");
    return current.clock;
  };
  const create: ReturnType<typeof timerFactory>["create"] = (callback, ms, repeat, args) => {
    if (current === null) throw new Error("virtual globals read before a clock was chosen");
    return current.timers.create(callback, ms, repeat, args);
  };
  const clear = (timer: unknown): void => current?.timers.clear(timer);
  const setTimeoutV = (callback: unknown, ms?: unknown, ...args: unknown[]) =>
    create(callback, ms, false, args);
  const setIntervalV = (callback: unknown, ms?: unknown, ...args: unknown[]) =>
    create(callback, ms, true, args);
  const sleep = promiseTimeout(create);
  Object.defineProperty(setTimeoutV, promisify.custom, { value: sleep });

  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = setTimeoutV;
  g.setInterval = setIntervalV;
  g.clearTimeout = clear;
  g.clearInterval = clear;
  g.Date = virtualDate(now);

  // A whole number: the clock moves in whole ms, and base + elapsed is then exact, so the difference of two
  // readings is exactly the virtual time between them (a fractional base rounds it to 2500.000000000002).
  const perfBase = Math.round(performance.now());
  Object.defineProperty(performance, "now", {
    value: () => perfBase + (now().now() - (current?.clockBase ?? 0)),
    writable: true,
    configurable: true,
  });

  timers.setTimeout = setTimeoutV;
  timers.setInterval = setIntervalV;
  timers.clearTimeout = clear;
  timers.clearInterval = clear;
  timerPromises.setTimeout = sleep;
  timerPromises.setInterval = promiseInterval(create);
  timerPromises.scheduler.wait = (ms: number, options?: { signal?: AbortSignal }) =>
    sleep(ms, undefined, options);
  // ESM named imports of builtins (`import { setTimeout } from "node:timers/promises"`) see the patched CJS
  // exports only after this.
  syncBuiltinESMExports();

  return {
    use(clock) {
      const installed = { clock, timers: timerFactory(clock), clockBase: clock.now() };
      current = installed;
      return { leakedTimers: () => describeLeaks(installed.timers.registry) };
    },
  };
}
