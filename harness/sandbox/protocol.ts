import type { ExecutionEvent, ExecutionRecords } from "../runner/execute-scenario.ts";
import type { Scenario } from "../scenario/schema.ts";

/** One scenario for an isolate: everything is data, so it crosses the boundary by structured clone. */
export interface IsolatedTask {
  readonly scenario: Scenario;
  /** The scenario file (its config path is relative to it). */
  readonly file: string;
  readonly seed: number;
  readonly transport: "inproc" | "loopback";
  /** The engine module's file URL; its default export is `{ name, create(ctx) }`. */
  readonly engineModule: string;
  /**
   * The scenario's clock as run: `real` runs on the wall clock (no virtual timers in the isolate; the fleet
   * on loopback). Absent: the scenario's own `clock`.
   */
  readonly clock?: "virtual" | "real";
  /** Extra environment of the isolate, for adapters configured by env (`FH_GATEWAY_URL`, `FH_PORTKEY_DIR`). */
  readonly engineEnv?: Readonly<Record<string, string>>;
  /** Serve the loopback fleet on this fixed 127.0.0.1 port (a user-started gateway points at it); else free. */
  readonly fleetPort?: number;
  /**
   * Memory shared with the supervisor where the isolate marks its requests in flight (request-board.ts),
   * instead of a message per request start and end. Set by the supervisor.
   */
  readonly board?: SharedArrayBuffer;
}

/** What a scenario isolate tells its supervisor, in order. */
export type IsolateMessage =
  | { readonly type: "loaded"; readonly name: string }
  | { readonly type: "load-failed"; readonly message: string }
  /** A phase change; requests in flight are on the task's board, not in messages. */
  | { readonly type: "event"; readonly event: ExecutionEvent }
  /** Misbehaviour outside any request: an escaped exception, a stray connection, a kill attempt. */
  | { readonly type: "fault"; readonly message: string }
  | {
      readonly type: "done";
      readonly records: ExecutionRecords;
      /**
       * Warm isolates: false when the scenario left the thread unlike it found it (changed globals, leaked
       * handles or timers, a fault), so the supervisor ends the worker instead of giving it another scenario.
       */
      readonly reusable?: boolean;
    }
  /** A heartbeat from the isolate's event loop: silence means the engine is blocking it. */
  | { readonly type: "alive" }
  /**
   * A process the engine started (a gateway, an agent): the supervisor kills its process group when the
   * isolate ends, however it ends, so no engine process outlives its run.
   */
  | { readonly type: "child"; readonly pid: number; readonly command: string };

/**
 * An engine as one CommonJS script the bundled isolate runs, its packages required from the engine module's
 * own file: the reference engine's, pre-built with the isolate (a file URL; a warm isolate runs it again for
 * each scenario), or a user's engine compiled for this run (engine-compile.ts; a fresh isolate per scenario,
 * as for every user's engine). `filename` names the script in stack traces; `strict` says whether it runs in
 * strict mode, as the engine's module does under Node when it is an ES module.
 */
export type BundledEngine =
  | { readonly kind: "reference"; readonly script: string }
  | {
      readonly kind: "compiled";
      readonly code: string;
      readonly filename: string;
      readonly strict: boolean;
    };

/** `workerData` of a scenario isolate. */
export interface IsolateData {
  readonly task: IsolatedTask | null;
  /** With no task: load the engine module, say its name, and stop (the CLI's up-front check). */
  readonly probe: string | null;
  /**
   * The pre-built isolate (isolate-bundle.ts): worker-entry.mjs runs it instead of the TypeScript one, and
   * the isolate runs `engine` in place of importing the engine's module, or with `engine` null (a user's
   * engine that is not compiled) registers tsx and imports the module. Null: the tsx path.
   */
  readonly bundle?: { readonly isolate: string; readonly engine: BundledEngine | null } | null;
  /**
   * A warm isolate: with no task up front, it runs one {@link WarmTask} after another as the supervisor
   * sends them, each with a freshly evaluated engine module on its own clock (supervise-isolate.ts).
   */
  readonly warm?: boolean;
}

/** What a warm isolate's supervisor sends it: the next scenario, sent only once the previous one is done. */
export interface WarmTask {
  readonly type: "task";
  readonly task: IsolatedTask;
}
