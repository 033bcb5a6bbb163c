import { readFileSync } from "node:fs";

/**
 * The process groups engines started (each child a group leader), for the whole harness process: an
 * isolate's end kills its own, and a harness stopped by SIGINT or SIGTERM kills every group still alive
 * before it goes, so no engine process outlives the run that started it.
 */
const live = new Set<number>();
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onStopSignal(signal: NodeJS.Signals): void {
  killProcessGroups(live);
  live.clear();
  release();
  // With our listener gone, the signal's default (or another listener's own handling) takes over.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  killProcessGroups(live);
}

function hold(): void {
  // First in line: a `once` listener (serve's graceful stop) drops itself before it runs, so one that ran
  // before ours would look absent and the re-raise would cut its stop short.
  for (const signal of STOP_SIGNALS) process.prependListener(signal, onStopSignal);
  process.on("exit", onExit);
}

function release(): void {
  for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
  process.off("exit", onExit);
}

/** Records a group an engine started; the first one arms the stop-signal and exit handlers. */
export function trackGroup(pid: number): void {
  if (live.size === 0) hold();
  live.add(pid);
}

/** Kills the groups and forgets them; the last one disarms the handlers. */
export function endGroups(pids: Iterable<number>): void {
  const ended = [...pids];
  killProcessGroups(ended);
  for (const pid of ended) live.delete(pid);
  if (live.size === 0) release();
}

/**
 * Kills the process groups of the engine's child processes (each started as a group leader): the backstop
 * for an isolate that died or a `close` that did not stop them. A group already gone is fine.
 */
export function killProcessGroups(pids: Iterable<number>): void {
  const own = processGroupOf(process.pid);
  for (const pid of pids) {
    // Only a group the engine's child leads, never the harness's own: a pid is just what the engine said.
    if (!Number.isInteger(pid) || pid <= 1 || processGroupOf(pid) !== pid || pid === own) continue;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group has already ended, which is the point.
    }
  }
}

/** A process's group id from `/proc/<pid>/stat` (Linux), or null when it is gone or unknown. */
function processGroupOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so split after the last `)`.
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isInteger(pgrp) ? pgrp : null;
  } catch {
    return null;
  }
}
