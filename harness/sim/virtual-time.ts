import type { ManualClock } from "../../src/core/clock.ts";

// The real timers, taken when this module loads: the engine's isolate later puts the globals on the virtual
// clock (virtual-globals.ts), and the driver's own waits must never be sleepers on the clock they drive.
const realSetTimeout = globalThis.setTimeout;
const realSetImmediate = globalThis.setImmediate;

/** Waits `ms` of real time, whatever clock the globals are on. */
export const realDelay = (ms: number): Promise<void> =>
  new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** Lets every callback already queued run: a few turns of the macrotask queue. */
export async function drainMacrotasks(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Options for {@link runOnVirtualTime}. */
export interface VirtualTimeOptions {
  /** Macrotask turns that must pass with no progress before time is advanced. */
  readonly idleTurns?: number;
  /** Upper bound on clock jumps, so a livelock ends with an error instead of spinning forever. */
  readonly maxJumps?: number;
  /**
   * Real milliseconds to wait before each jump, for work that crosses real sockets (the loopback fleet):
   * bytes in flight between two processes' worth of streams are not visible as queued callbacks.
   */
  readonly settleMs?: number;
  /**
   * A fingerprint of observable progress (bytes moved, requests seen). With `settleMs`, the clock jumps only
   * once the fingerprint stays the same across a settle, so in-flight socket I/O is never overtaken.
   */
  readonly progress?: () => string;
  /** Upper bound on settles waited for one jump (a stream that trickles forever must not stall the run). */
  readonly maxSettles?: number;
}

async function settle(
  idleTurns: number,
  settleMs: number,
  progress: (() => string) | undefined,
  maxSettles: number,
): Promise<void> {
  await drainMacrotasks(idleTurns);
  if (settleMs <= 0) return;
  let before = progress?.();
  for (let i = 0; i < maxSettles; i++) {
    await realDelay(settleMs);
    await drainMacrotasks(idleTurns);
    const after = progress?.();
    if (after === before) return;
    before = after;
  }
}

/**
 * Discrete-event driver: runs `work` and, each time everything is blocked on the clock, jumps the clock to
 * the next sleeper. A simulated hour costs only the CPU time of the work itself.
 */
export async function runOnVirtualTime<T>(
  clock: ManualClock,
  work: Promise<T>,
  options: VirtualTimeOptions = {},
): Promise<T> {
  const idleTurns = options.idleTurns ?? 3;
  const maxJumps = options.maxJumps ?? 1_000_000;
  const settleMs = options.settleMs ?? 0;
  const maxSettles = options.maxSettles ?? 200;
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let jumps = 0; !settled; jumps++) {
    await settle(idleTurns, settleMs, options.progress, maxSettles);
    if (settled) break;
    if (jumps >= maxJumps) {
      throw new Error(
        `Failed to finish on virtual time: still running after ${maxJumps} clock jumps. Look for a retry loop that never ends.`,
      );
    }
    if (!clock.advanceToNext()) {
      // Nothing sleeps on the clock: give real I/O (sockets, child processes) a chance before declaring a hang.
      await drainMacrotasks(50);
      if (!settled && clock.pending === 0) {
        throw new Error(
          "Failed to finish on virtual time: the work is blocked on something other than the clock. An unresolved promise is waiting forever.",
        );
      }
    }
  }
  return work;
}

/** Clock jumps a drain may take before it stops early: an engine polling every few ms must not cost minutes. */
export const MAX_DRAIN_JUMPS = 10_000;

/**
 * Keeps the clock running for `ms` more of virtual time, waking every sleeper due on the way (work an engine
 * left behind: a retry loop, a reset interval), then returns. Costs only the CPU of the jumps; after
 * `maxJumps` (default {@link MAX_DRAIN_JUMPS}) it stops where it is, since a drain observes and never fails.
 */
export async function runOnVirtualTimeFor(
  clock: ManualClock,
  ms: number,
  options: VirtualTimeOptions = {},
): Promise<void> {
  const maxJumps = options.maxJumps ?? MAX_DRAIN_JUMPS;
  // The only error runOnVirtualTime can raise here is the jump limit: the drain's own sleeper is always on
  // the clock, so the work is never "blocked on something other than the clock".
  await runOnVirtualTime(clock, clock.sleep(ms), { ...options, maxJumps }).catch(() => undefined);
}
