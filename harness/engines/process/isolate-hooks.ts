/**
 * What a scenario isolate offers a process engine's adapter (SPEC §10.4), under a well-known global so an
 * adapter copied out of this repository needs no import from the sandbox: report each child process (the
 * supervisor kills its process group whatever happens to the isolate) and open one 127.0.0.1 port for the
 * adapter's own connection to its gateway in the network guard. Outside an isolate (a trusted in-process
 * run) the hooks are absent and the adapter alone stops what it started.
 */
export interface IsolateHooks {
  reportChild(pid: number, command: string): void;
  allowLoopbackPort(port: number, what: string): void;
}

export const ISOLATE_HOOKS = Symbol.for("fallback-harness.isolate-hooks");

/** The isolate's hooks, or null when the adapter runs outside one. */
export function isolateHooks(): IsolateHooks | null {
  const hooks = (globalThis as Record<symbol, unknown>)[ISOLATE_HOOKS];
  if (typeof hooks !== "object" || hooks === null) return null;
  return hooks as IsolateHooks;
}
