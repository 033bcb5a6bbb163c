import { Worker } from "node:worker_threads";
import type { ExecutionEvent, ExecutionRecords } from "../runner/execute-scenario.ts";
import { endGroups, trackGroup } from "./engine-groups.ts";
import { isolateBundleFor } from "./isolate-bundle.ts";
import type { IsolateData, IsolateMessage, IsolatedTask, WarmTask } from "./protocol.ts";
import { newBoardMemory, plannedRequests, requestsInFlight } from "./request-board.ts";

/** Real-time and memory bounds of one isolate, so no engine can hold CI or take the machine down. */
export interface IsolateLimits {
  /** Wall time for the whole scenario, however busy it is. */
  readonly scenarioTimeoutMs: number;
  /**
   * Wall time the isolate may go without a sign of life (its heartbeat runs on the event loop, so an engine
   * that spins or blocks the loop stops it); a long but live simulation is never cut by this.
   */
  readonly stallTimeoutMs: number;
  /** Wall time for `create` and for `close` each to settle. */
  readonly phaseTimeoutMs: number;
  /**
   * Wall time for the isolate to start and load the engine's module (through tsx, TypeScript is compiled on
   * first use, and a loaded CI machine is slow): generous, but a module that spins at import still ends.
   */
  readonly loadTimeoutMs: number;
  /** The isolate's heap limit (V8 old generation), MB. */
  readonly memoryMb: number;
  /** Bytes the engine may print to stdout and stderr together before it is stopped. */
  readonly outputLimitBytes: number;
}

export const DEFAULT_LIMITS: IsolateLimits = {
  scenarioTimeoutMs: 900_000,
  stallTimeoutMs: 60_000,
  phaseTimeoutMs: 30_000,
  loadTimeoutMs: 120_000,
  memoryMb: 1_024,
  outputLimitBytes: 1024 * 1024,
};

/** How an isolate ended: with its records, or without them and a reason that names what happened. */
export type IsolateOutcome =
  | {
      readonly kind: "done";
      readonly engineName: string;
      readonly records: ExecutionRecords;
      readonly faults: readonly string[];
    }
  | { readonly kind: "load-failed"; readonly message: string }
  | {
      readonly kind: "died";
      readonly engineName: string | null;
      readonly reason: string;
      readonly faults: readonly string[];
    };

const ENTRY = new URL("./worker-entry.mjs", import.meta.url);

/**
 * Where the run was: which phase (from the isolate's phase events), which requests were in flight (from the
 * request board the isolate writes, request-board.ts).
 */
class Whereabouts {
  private phase: "load" | "create" | "traffic" | "close" | "after" = "load";

  constructor(private readonly board: SharedArrayBuffer) {}

  see(event: ExecutionEvent): void {
    if (event.kind === "phase") this.phase = event.phase;
  }

  finished(): void {
    this.phase = "after";
  }

  get current(): "load" | "create" | "traffic" | "close" | "after" {
    return this.phase;
  }

  /** `during request #3`, `while create was running`, … */
  describe(): string {
    switch (this.phase) {
      case "load":
        return "while its module was loading";
      case "create":
        return "while create was running";
      case "close":
        return "while close was running";
      case "after":
        return "after the scenario ended";
      case "traffic": {
        const requests = requestsInFlight(this.board);
        if (requests.length === 0) return "between requests";
        const shown = requests
          .slice(0, 3)
          .map((i) => `#${i}`)
          .join(", ");
        return `during request${requests.length > 1 ? "s" : ""} ${shown}${requests.length > 3 ? ` (+${requests.length - 3} more)` : ""}`;
      }
      default: {
        const unreachable: never = this.phase;
        return unreachable;
      }
    }
  }
}

function unsettledWhat(phase: "load" | "create" | "traffic" | "close" | "after"): string {
  switch (phase) {
    case "load":
      return "the engine's module awaited";
    case "create":
      return "create returned";
    case "close":
      return "close returned";
    case "traffic":
    case "after":
      return "the engine left the harness waiting on";
    default: {
      const unreachable: never = phase;
      return unreachable;
    }
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function startIsolate(
  data: IsolateData,
  limits: IsolateLimits,
  engineEnv?: IsolatedTask["engineEnv"],
): Worker {
  return new Worker(ENTRY, {
    workerData: data,
    stdout: true,
    stderr: true,
    // The isolate gets its own copy of the environment; nothing it sets reaches the judge.
    env: { ...process.env, ...(engineEnv ?? {}) },
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 64 },
  });
}

/**
 * Warm isolates for a suite: a worker that finished a scenario cleanly runs the next one, instead of every
 * scenario paying a worker start and a module graph load (about 0.35 s of CPU each, most of a scenario's
 * cost on the shipped library). Each scenario still gets a freshly evaluated engine module, its own clock,
 * its own fleet and its own watchdogs; the worker is ended instead of reused after anything unclean: a death
 * of any kind, a fault, a leaked handle or timer, or a change to the thread's globals (thread-snapshot.ts).
 * A worker runs one scenario at a time, so a worker that dies takes only the scenario it was running.
 *
 * Only engines whose whole module graph is evaluated afresh per scenario run warm: the bundled reference
 * engine (one module with src/ inlined, isolate-bundle.ts). A user's engine, compiled or not, may keep state
 * in packages a fresh evaluation would still share, so it keeps a fresh worker per scenario, unless
 * `anyEngine` (the sandbox's own tests, whose engines keep their state in `create`). Real-time scenarios and
 * runs with an engine environment or a fixed fleet port also keep a fresh worker.
 */
export class WarmIsolates {
  /**
   * Scenarios one worker runs before it is replaced, for an engine imported as an ES module (`anyEngine`):
   * each fresh import stays in the worker's module map (ES modules are never unloaded), so a long suite must
   * not grow one heap towards its limit.
   */
  static readonly MAX_SCENARIOS = 40;
  /**
   * The same for the bundled reference engine, whose one script is run again per scenario with a module
   * object of its own and leaves nothing in the module map: one worker's heap after a full GC stayed at
   * 31–32 MB from the 20th to the 93rd scenario of the shipped library. Each replacement costs a worker start
   * and a load of the harness's and the SDK's modules, about 0.4 s of CPU; the bound stays as a backstop.
   */
  static readonly MAX_BUNDLED_SCENARIOS = 1_000;
  readonly #maxScenarios: number | undefined;
  readonly #idle = new Map<string, { worker: Worker; unwatch: () => void }[]>();
  readonly #runs = new WeakMap<Worker, number>();
  readonly #anyEngine: boolean;
  #closed = false;

  constructor(options: { readonly anyEngine?: boolean; readonly maxScenarios?: number } = {}) {
    this.#anyEngine = options.anyEngine ?? false;
    this.#maxScenarios = options.maxScenarios;
  }

  /** Whether `task` may run in a warm worker. */
  eligible(task: IsolatedTask, bundled: boolean): boolean {
    const clock = task.clock ?? task.scenario.clock;
    return (
      !this.#closed &&
      (bundled || this.#anyEngine) &&
      clock === "virtual" &&
      task.engineEnv === undefined &&
      task.fleetPort === undefined
    );
  }

  /** An idle worker for the engine, or undefined. */
  take(engineModule: string): Worker | undefined {
    const idle = this.#idle.get(engineModule)?.pop();
    idle?.unwatch();
    return idle?.worker;
  }

  /**
   * Keeps a worker that finished a scenario cleanly (`bundled`: it runs the bundled reference engine); one
   * that errs, exits or faults while idle is dropped.
   */
  give(engineModule: string, worker: Worker, bundled: boolean): void {
    const runs = (this.#runs.get(worker) ?? 0) + 1;
    this.#runs.set(worker, runs);
    const max =
      this.#maxScenarios ?? (bundled ? WarmIsolates.MAX_BUNDLED_SCENARIOS : WarmIsolates.MAX_SCENARIOS);
    if (this.#closed || runs >= max) {
      void worker.terminate();
      return;
    }
    const idle = this.#idle.get(engineModule) ?? [];
    this.#idle.set(engineModule, idle);
    const onMessage = (message: IsolateMessage): void => {
      if (message.type === "fault" || message.type === "child") drop();
    };
    const unwatch = (): void => {
      worker.off("error", drop);
      worker.off("exit", drop);
      worker.off("message", onMessage);
    };
    const entry = { worker, unwatch };
    function drop(): void {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
      unwatch();
      void worker.terminate();
    }
    worker.on("error", drop);
    worker.on("exit", drop);
    worker.on("message", onMessage);
    idle.push(entry);
  }

  /** Ends every idle worker; nothing is kept afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const idle = [...this.#idle.values()].flat();
    this.#idle.clear();
    for (const { unwatch } of idle) unwatch();
    await Promise.all(idle.map(({ worker }) => worker.terminate()));
  }
}

/**
 * Runs one scenario in a worker thread and watches it: a reply, an exit, an error, a flood of output or a
 * silence each end it with a reason. The worker is a fresh one, or with `warm` a warm one when the task is
 * eligible. Unless it is handed back to `warm` after a clean finish, the worker is terminated, so whatever
 * the engine left running (timers, sockets, a spinning loop) ends with it.
 */
export async function superviseIsolate(
  task: IsolatedTask,
  limits: IsolateLimits = DEFAULT_LIMITS,
  warm?: WarmIsolates,
): Promise<IsolateOutcome> {
  const bundle = await isolateBundleFor(task.engineModule);
  const bundledReference = bundle?.engine?.kind === "reference";
  const reuse = warm !== undefined && warm.eligible(task, bundledReference);
  const board = newBoardMemory(plannedRequests(task.scenario.traffic));
  const boarded: IsolatedTask = { ...task, board };
  return new Promise<IsolateOutcome>((resolve) => {
    let worker: Worker;
    if (reuse) {
      worker =
        warm.take(task.engineModule) ?? startIsolate({ task: null, probe: null, bundle, warm: true }, limits);
      worker.postMessage({ type: "task", task: boarded } satisfies WarmTask);
    } else {
      worker = startIsolate({ task: boarded, probe: null, bundle }, limits, task.engineEnv);
    }
    const where = new Whereabouts(board);
    const faults: string[] = [];
    let engineName: string | null = null;
    let settled = false;
    let output = 0;
    let phaseTimer: NodeJS.Timeout | undefined;
    const children = new Set<number>();

    const finish = (outcome: IsolateOutcome, reusable = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(scenarioTimer);
      clearTimeout(stallTimer);
      clearTimeout(phaseTimer);
      endGroups(children);
      resolve(outcome);
      worker.stdout.off("data", onStdout);
      worker.stderr.off("data", onStderr);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (reuse && reusable && faults.length === 0 && children.size === 0)
        warm.give(task.engineModule, worker, bundledReference);
      else void worker.terminate();
    };
    const die = (reason: string): void => finish({ kind: "died", engineName, reason, faults });

    // The watchdog starts once the engine's module has loaded, so a slow machine's start-up is not charged
    // to the engine; loading has its own bound.
    let scenarioTimer: NodeJS.Timeout | undefined;
    let stallTimer: NodeJS.Timeout | undefined;
    const armWatchdog = (): void => {
      scenarioTimer = setTimeout(() => {
        die(
          `watchdog: the scenario did not finish within ${seconds(limits.scenarioTimeoutMs)} of real time (${where.describe()}); the engine may be spinning or blocked`,
        );
      }, limits.scenarioTimeoutMs);
      alive();
    };
    const alive = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        die(
          `watchdog: the engine's worker showed no sign of life for ${seconds(limits.stallTimeoutMs)} of real time (${where.describe()}); the engine is spinning or blocking its event loop`,
        );
      }, limits.stallTimeoutMs);
    };
    const armPhase = (phase: "load" | "create" | "close"): void => {
      clearTimeout(phaseTimer);
      const ms = phase === "load" ? limits.loadTimeoutMs : limits.phaseTimeoutMs;
      phaseTimer = setTimeout(() => {
        const what = phase === "load" ? "the engine's module did not load" : `${phase} did not settle`;
        die(`${phase}-timeout: ${what} within ${seconds(ms)} of real time`);
      }, ms);
    };
    armPhase("load");

    const countOutput = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      output += chunk.length;
      if (output > limits.outputLimitBytes) {
        die(
          `output-flood: the engine wrote more than ${limits.outputLimitBytes} bytes to ${stream} (stdout and stderr count together) ${where.describe()}; the harness stopped it`,
        );
      }
    };
    const onStdout = countOutput("stdout");
    const onStderr = countOutput("stderr");
    worker.stdout.on("data", onStdout);
    worker.stderr.on("data", onStderr);

    const onMessage = (message: IsolateMessage): void => {
      if (scenarioTimer !== undefined) alive();
      switch (message.type) {
        case "alive":
          return;
        case "child":
          // A child announced after the end is killed at once rather than left for the exit handler.
          if (settled) endGroups([message.pid]);
          else {
            children.add(message.pid);
            trackGroup(message.pid);
          }
          return;
        case "loaded":
          engineName = message.name;
          clearTimeout(phaseTimer);
          armWatchdog();
          return;
        case "load-failed":
          finish({ kind: "load-failed", message: message.message });
          return;
        case "event":
          where.see(message.event);
          if (message.event.kind === "phase") {
            clearTimeout(phaseTimer);
            if (message.event.phase === "create" || message.event.phase === "close")
              armPhase(message.event.phase);
          }
          return;
        case "fault":
          if (faults.length < 20) faults.push(`${message.message} (${where.describe()})`);
          return;
        case "done":
          where.finished();
          finish(
            { kind: "done", engineName: engineName ?? "(unnamed)", records: message.records, faults },
            message.reusable === true,
          );
          return;
        default: {
          const unreachable: never = message;
          return unreachable;
        }
      }
    };
    const onError = (error: Error & { code?: string }): void => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
        die(`out-of-memory: the engine exhausted its ${limits.memoryMb} MB heap (${where.describe()})`);
        return;
      }
      die(
        `isolate-error: the engine's isolate failed (${where.describe()}): ${error.name}: ${error.message.split("\n")[0] ?? ""}`,
      );
    };
    const onExit = (code: number): void => {
      // 13 is Node's "unsettled top-level await": the isolate ran out of work while waiting on the engine,
      // so the engine returned a promise that nothing left scheduled can ever settle.
      if (code === 13 && where.current !== "after") {
        die(
          `never-settled: ${unsettledWhat(where.current)} a promise that can never settle: nothing was left scheduled to settle it (${where.describe()})`,
        );
        return;
      }
      die(`exit: the engine exited the worker with code ${code} ${where.describe()}`);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

/** Loads an engine module in a throwaway isolate: its name, or why it cannot be used. */
export async function probeEngine(
  engineModule: string,
  limits: IsolateLimits = DEFAULT_LIMITS,
): Promise<{ ok: true; name: string } | { ok: false; message: string }> {
  const bundle = await isolateBundleFor(engineModule);
  return new Promise((resolve) => {
    const worker = startIsolate({ task: null, probe: engineModule, bundle }, limits);
    let settled = false;
    const finish = (result: { ok: true; name: string } | { ok: false; message: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      finish({
        ok: false,
        message: `Failed to load the engine module ${engineModule}: it did not finish loading within ${seconds(limits.loadTimeoutMs)}.`,
      });
    }, limits.loadTimeoutMs);
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on("message", (message: IsolateMessage) => {
      if (message.type === "loaded") finish({ ok: true, name: message.name });
      else if (message.type === "load-failed") finish({ ok: false, message: message.message });
    });
    worker.on("error", (error) => {
      finish({
        ok: false,
        message: `Failed to load the engine module ${engineModule}: ${error.message.split("\n")[0] ?? ""}`,
      });
    });
    worker.on("exit", (code) => {
      finish({
        ok: false,
        message: `Failed to load the engine module ${engineModule}: it exited with code ${code} while loading.`,
      });
    });
  });
}
