import { Socket } from "node:net";

/** What the guard allows: the fleet's loopback ports (none for the in-process fleet). */
export interface NetworkGuard {
  allowPorts(ports: readonly number[]): void;
  /**
   * The narrow allowance of a process engine's adapter: its own connection to the gateway it started (or
   * was given) on a 127.0.0.1 port. Loopback only, one port at a time, named in any refusal message.
   */
  allowEnginePort(port: number, what: string): void;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

interface Target {
  readonly host: string;
  readonly port: number | null;
  readonly path: string | null;
}

function targetOf(args: readonly unknown[]): Target {
  // `net.connect()` (undici's path) hands Socket#connect its arguments already normalized: one array.
  if (Array.isArray(args[0])) return targetOf(args[0] as unknown[]);
  const [first, second] = args;
  if (typeof first === "object" && first !== null && !Array.isArray(first)) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === "string") return { host: "", port: null, path: options.path };
    return {
      host: typeof options.host === "string" ? options.host : "localhost",
      port: Number(options.port),
      path: null,
    };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { host: "", port: null, path: first };
  return { host: typeof second === "string" ? second : "localhost", port: Number(first), path: null };
}

function describeTarget(target: Target): string {
  return target.path !== null ? `the local socket ${target.path}` : `${target.host}:${target.port ?? "?"}`;
}

/**
 * Refuses every socket connection of this thread except to the fleet's own loopback ports (SPEC §10.1: the
 * engine reaches no address but the fleet's). A refused connection fails like a refused port, and is
 * reported through `onViolation` so the scenario fails with the address named.
 */
export function installNetworkGuard(onViolation: (message: string) => void): NetworkGuard {
  const allowed = new Set<number>();
  const engine = new Map<number, string>();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied below with the socket as `this`
  const connect = Socket.prototype.connect as (...args: unknown[]) => Socket;
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]): Socket {
    const target = targetOf(args);
    const ok =
      target.path === null &&
      LOOPBACK.has(target.host) &&
      target.port !== null &&
      (allowed.has(target.port) || engine.has(target.port));
    if (ok) return connect.apply(this, args);
    const where = describeTarget(target);
    const gateways = [...engine].map(([port, what]) => `; ${what} is on 127.0.0.1:${port}`).join("");
    const served =
      (allowed.size > 0
        ? `the fleet serves 127.0.0.1:${[...allowed].join(", ")}`
        : "the in-process fleet serves no socket") + gateways;
    onViolation(`network: the engine opened a connection to ${where}, which is not the fleet; ${served}`);
    const error = Object.assign(
      new Error(`connect ECONNREFUSED ${where} (refused by fallback-harness: not the fleet)`),
      {
        code: "ECONNREFUSED",
      },
    );
    process.nextTick(() => this.destroy(error));
    return this;
  };
  return {
    allowPorts(ports) {
      for (const port of ports) allowed.add(port);
    },
    allowEnginePort(port, what) {
      if (Number.isInteger(port) && port > 0 && port < 65_536) engine.set(port, what);
    },
  };
}
