import { realDelay } from "../sim/virtual-time.ts";

// What an engine left running after close, from the thread's own list of active resources (Node's
// getActiveResourcesInfo: handles, operations in flight, ref'd timers), against the list before it loaded.
// Some of what is on the list right after close ends by itself and is no leak: a worker's output holds its port
// to the parent (a MessagePort) until the parent has read it, so an engine that logs as it closes shows one; a
// file operation in flight completes (tsx's sweep of its disk cache, in a worker that loads the engine through
// tsx, is one, and not even the engine's); a socket closed with the fleet leaves. How soon depends on how busy
// the machine and the parent are, so the verdict would too: the check waits for them instead, up to
// SETTLE_MS of real time, and calls a leak only what is still there then.

// Taken when this module loads, before an engine could replace it; the waits (realDelay) are real too.
const realNow = performance.now.bind(performance);

/** Real time the check gives what ends by itself to end. */
export const SETTLE_MS = 2_000;
const POLL_MS = 10;

/** Active resources by kind (`Timeout`, `TCPServerWrap`, `MessagePort`, `FSReqCallback`, …) and how many. */
export type ResourceCounts = ReadonlyMap<string, number>;

export function activeResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** What is active now that was not in `before` (`1 Timeout, 2 TCPWRAP`), or null. */
export function resourcesAdded(before: ResourceCounts): string | null {
  const added: string[] = [];
  for (const [kind, n] of activeResources()) {
    const extra = n - (before.get(kind) ?? 0);
    if (extra > 0) added.push(`${extra} ${kind}`);
  }
  return added.length === 0 ? null : added.join(", ");
}

/**
 * What the engine left running, once what ends by itself has had `settleMs` of real time to end, or null.
 * Free when nothing is there; a real leak costs the wait.
 */
export async function leftRunning(before: ResourceCounts, settleMs = SETTLE_MS): Promise<string | null> {
  const deadline = realNow() + settleMs;
  for (;;) {
    const added = resourcesAdded(before);
    if (added === null || realNow() >= deadline) return added;
    await realDelay(POLL_MS);
  }
}
