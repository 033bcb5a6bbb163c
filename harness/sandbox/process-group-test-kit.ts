import { readdirSync, readFileSync } from "node:fs";

/**
 * Live processes of a group, read from `/proc` (Linux): the tests' proof that an engine's processes ended.
 * Zombies count as ended: they hold no resources and run no code, and an orphan's is reaped by whoever
 * adopts it, when it gets to it.
 */
export function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") live.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return live;
}
