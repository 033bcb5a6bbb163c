import type { ManualClock } from "../../src/core/clock.ts";

/** Lets every callback already queued run: a few turns of the macrotask queue. */
export async function drainMacrotasks(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Options for {@link runOnVirtualTime}. */
export interface VirtualTimeOptions {
  /** Macrotask turns that must pass with no progress before time is advanced. */
  readonly idleTurns?: number;
  /** Upper bound on clock jumps, so a livelock ends with an error instead of spinning forever. */
  readonly maxJumps?: number;
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
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let jumps = 0; !settled; jumps++) {
    await drainMacrotasks(idleTurns);
    if (settled) break;
    if (jumps >= maxJumps) {
      throw new Error(`Failed to finish on virtual time: still running after ${maxJumps} clock jumps. Look for a retry loop that never ends.`);
    }
    if (!clock.advanceToNext()) {
      // Nothing sleeps on the clock: give real I/O (sockets, child processes) a chance before declaring a hang.
      await drainMacrotasks(50);
      if (!settled && clock.pending === 0) {
        throw new Error("Failed to finish on virtual time: the work is blocked on something other than the clock. An unresolved promise is waiting forever.");
      }
    }
  }
  return work;
}
