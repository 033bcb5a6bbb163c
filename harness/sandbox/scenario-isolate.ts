import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { ManualClock, type EngineUnderTest } from "../../src/index.ts";
import { describeThrown } from "../report/describe-thrown.ts";
import { executeScenario, VIRTUAL_START_MS } from "../runner/execute-scenario.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import type { FleetFactory } from "../runner/fleet-port.ts";
import { scenarioConfig } from "../runner/run-scenario.ts";
import { ISOLATE_HOOKS, type IsolateHooks } from "../engines/process/isolate-hooks.ts";
import {
  installSwitchableVirtualGlobals,
  installVirtualGlobals,
  type SwitchableVirtualGlobals,
  type VirtualGlobals,
} from "../sim/virtual-globals.ts";
import { runEngineLoader } from "./engine-loader.mjs";
import { importEngine, unwrapCommonJs } from "./import-engine.mjs";
import { installNetworkGuard, type NetworkGuard } from "./network-guard.ts";
import { activeResources, leftRunning } from "./leak-check.ts";
import type { BundledEngine, IsolateData, IsolateMessage, IsolatedTask, WarmTask } from "./protocol.ts";
import { RequestBoardWriter } from "./request-board.ts";
import { threadSnapshot, threadChanges, type ThreadSnapshot } from "./thread-snapshot.ts";

// One scenario's engine and fleet, apart from the judge (SPEC §10.1). Everything that leaves this thread
// is a message of plain data; the supervisor decides what a silence, an exit or an error means.

const port = parentPort;
const data = workerData as IsolateData;
if (port === null) throw new Error("scenario-isolate.ts runs only as a worker thread");
// The bundled isolate with a user's engine that is not compiled registers tsx here: after this module's own
// imports, which then load without tsx's hooks, and before the network guard, which would take tsx's
// connection to its parent process for one the engine opened.
await runEngineLoader();
const send = (message: IsolateMessage): void => port.postMessage(message);
let faultCount = 0;
const fault = (message: string): void => {
  faultCount++;
  send({ type: "fault", message });
};

process.on("uncaughtException", (error) => {
  const { name, message } = describeThrown(error);
  fault(
    `escaped-exception: an exception escaped the engine (thrown in a timer or callback): ${name}: ${message}`,
  );
});
process.on("unhandledRejection", (reason) => {
  const { name, message } = describeThrown(reason);
  fault(`unhandled-rejection: a promise of the engine rejected with no handler: ${name}: ${message}`);
});

const kill = process.kill.bind(process);
process.kill = (pid: number, signal?: string | number) => {
  if (pid === process.pid || pid === process.ppid || pid <= 0) {
    fault(`process-kill: the engine tried to send ${String(signal ?? "SIGTERM")} to the harness`);
    throw Object.assign(new Error(`kill EPERM (refused by fallback-harness)`), { code: "EPERM" });
  }
  return kill(pid, signal);
};

const guard = installNetworkGuard(fault);
// Process engines (SPEC §10.4) report their children for the supervisor to kill, and open one loopback port
// for their own gateway connection; see harness/engines/process/isolate-hooks.ts.
const hooks: IsolateHooks = {
  reportChild: (pid, command) => send({ type: "child", pid, command }),
  allowLoopbackPort: (port, what) => guard.allowEnginePort(port, what),
};
(globalThis as Record<symbol, unknown>)[ISOLATE_HOOKS] = hooks;

// Unref'd: the heartbeat never keeps the isolate alive by itself (an engine that leaves nothing scheduled
// must still end it, exit 13), and it stops whenever the engine blocks the event loop.
setInterval(() => send({ type: "alive" }), 1_000).unref();

function isEngineUnderTest(value: unknown): value is EngineUnderTest {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<EngineUnderTest>;
  return typeof candidate.name === "string" && typeof candidate.create === "function";
}

/** The bundled engine's script, compiled once per thread (isolate-bundle.ts, engine-compile.ts). */
let engineScript: { readonly script: Script; readonly require: NodeJS.Require } | undefined;

/** The bundled engine's code, the name it goes by in stack traces, and whether it runs strict. */
function scriptOf(engine: BundledEngine): { code: string; filename: string; strict: boolean } {
  if (engine.kind === "compiled") return engine;
  // The reference engine is an ES module: strict.
  const filename = fileURLToPath(engine.script);
  return { code: readFileSync(filename, "utf8"), filename, strict: true };
}

/**
 * A new instance of the bundled engine: its compiled script run again, with a module object of its own, so
 * its top-level code runs again and no module state carries over from the previous scenario, while its
 * bytecode is compiled once per thread. Its packages are required from the engine module's own file. Its
 * exports are the module's as an import of it would give them: `export default` compiled to CommonJS is
 * unwrapped, and `module.exports` of a CommonJS engine is its default.
 */
function evaluateBundledEngine(engine: BundledEngine, moduleUrl: string): { default?: unknown } {
  if (engineScript === undefined) {
    const { code, filename, strict } = scriptOf(engine);
    engineScript = {
      script: new Script(
        `(function (exports, require, module) {${strict ? '"use strict";' : ""}${code}\n})`,
        { filename },
      ),
      require: createRequire(moduleUrl),
    };
  }
  const module: { exports: unknown } = { exports: {} };
  const run = engineScript.script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
  ) => void;
  run(module.exports, engineScript.require, module);
  return unwrapCommonJs(module.exports) ?? { default: module.exports };
}

/**
 * The engine's module. `fresh` (a warm isolate's scenario number) loads a new instance of it: the query makes
 * another module URL, so its top-level code runs again and no module state carries over from the previous
 * scenario. The bundled reference engine is one script (src/ inlined) evaluated afresh on every load, so all
 * of its state is fresh.
 */
async function loadEngine(url: string, fresh?: number): Promise<EngineUnderTest | string> {
  let module: { default?: unknown };
  try {
    // The bundled isolate runs the bundle's copy of the engine (messages keep the module's URL).
    module =
      data.bundle?.engine != null
        ? evaluateBundledEngine(data.bundle.engine, url)
        : await importEngine(fresh === undefined ? url : `${url}?fh-scenario=${fresh}`);
  } catch (error) {
    const { message } = describeThrown(error);
    return `Failed to load the engine module ${url}: ${message}. Check the path and that the module loads under Node (ESM, CommonJS or TypeScript).`;
  }
  if (!isEngineUnderTest(module.default)) {
    return `Failed to load the engine module ${url}: its default export is not { name, create(ctx) }. See SPEC §10 and src/node/reference-eut.ts for an example.`;
  }
  return module.default;
}

/** The runner's fleet, with its loopback ports opened in the network guard. */
function guardedFleet(inner: FleetFactory, network: NetworkGuard, port?: number): FleetFactory {
  return async (options) => {
    const fleet = await inner({
      ...options,
      ...(port !== undefined ? { port } : {}),
      onStrayRequest: (url) =>
        fault(`network: the engine sent a request to ${url}, which the fleet does not serve`),
    });
    const ports = Object.values(fleet.endpoints).flatMap(({ baseURL }) => {
      const url = new URL(baseURL);
      return url.hostname === "127.0.0.1" ? [Number(url.port)] : [];
    });
    network.allowPorts(ports);
    return fleet;
  };
}

/** A warm isolate's state across its scenarios: one virtual-globals install, the thread as first seen. */
interface Warm {
  readonly globals: SwitchableVirtualGlobals;
  snapshot: ThreadSnapshot | null;
  scenarios: number;
}

async function runTask(task: IsolatedTask, warm?: Warm): Promise<void> {
  const before = activeResources();
  const scenario = task.clock ? { ...task.scenario, clock: task.clock } : task.scenario;
  // The engine's timers and Date go on the scenario's clock before it loads (it may capture setTimeout at
  // import time) and after every harness module is loaded (they keep the real timers they captured).
  const clock = scenario.clock === "virtual" ? new ManualClock(VIRTUAL_START_MS) : undefined;
  const virtualGlobals: VirtualGlobals | undefined = clock
    ? (warm?.globals.use(clock) ?? installVirtualGlobals(clock))
    : undefined;
  const faultsBefore = faultCount;
  const engine = await loadEngine(task.engineModule, warm ? ++warm.scenarios : undefined);
  if (typeof engine === "string") {
    send({ type: "load-failed", message: engine });
    return;
  }
  send({ type: "loaded", name: engine.name });
  // The engine's own copy, read here: nothing it does to it reaches the judge.
  const config = await scenarioConfig(task.scenario, task.file);
  const board = task.board ? new RequestBoardWriter(task.board) : null;
  const records = await executeScenario(scenario, {
    engine,
    fleet: guardedFleet(createFleetFactory(), guard, task.fleetPort),
    config,
    seed: task.seed,
    transport: task.transport,
    onEvent: (event) => {
      if (event.kind === "request" && board !== null) board.mark(event.index, event.state === "sent");
      else send({ type: "event", event });
    },
    ...(clock ? { clock } : {}),
  });
  // A few turns first: what ends in them (a socket closed with the fleet) is off the list without a wait.
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  const leaked = [await leftRunning(before), ...(virtualGlobals?.leakedTimers() ?? [])]
    .filter((kind) => kind !== null)
    .join(", ");
  if (leaked !== "") fault(`leaked-handles: after close the engine left ${leaked} running`);
  if (!warm) {
    send({ type: "done", records });
    return;
  }
  // Another scenario runs in this thread only if this one left it as it found it.
  const changed = warm.snapshot === null ? "no baseline" : threadChanges(warm.snapshot);
  // A hung request or a failed create/close leaves engine work pending that could still wake (on I/O the
  // leak check cannot see): that worker ends too.
  const hung = records.requests.some((request) => request.outcome === "hang");
  send({
    type: "done",
    records,
    reusable:
      leaked === "" &&
      changed === null &&
      !hung &&
      records.engineError === null &&
      faultCount === faultsBefore,
  });
}

async function probe(url: string): Promise<void> {
  const engine = await loadEngine(url);
  send(
    typeof engine === "string"
      ? { type: "load-failed", message: engine }
      : { type: "loaded", name: engine.name },
  );
}

/**
 * A warm isolate: scenario after scenario as the supervisor sends them. While one runs, the port does not
 * keep the thread alive, so an engine that leaves nothing scheduled still ends it with exit 13, as in a
 * one-scenario isolate; between scenarios it waits for the next.
 */
async function serveWarm(): Promise<void> {
  if (port === null) return;
  const queue: IsolatedTask[] = [];
  let wake: (() => void) | null = null;
  port.on("message", (message: WarmTask) => {
    if (message.type !== "task") return;
    queue.push(message.task);
    wake?.();
  });
  const warm: Warm = { globals: installSwitchableVirtualGlobals(), snapshot: null, scenarios: 0 };
  for (;;) {
    port.ref();
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    port.unref();
    const task = queue.shift() as IsolatedTask;
    if (warm.snapshot === null) {
      // The baseline is taken after one throwaway load of the engine, on a clock never driven: what its
      // dependencies set up once at import (a library's global registry) is then part of the thread as found,
      // and only what a scenario changes counts. A module that fails here fails again in the scenario.
      warm.globals.use(new ManualClock(VIRTUAL_START_MS));
      await loadEngine(task.engineModule, 0);
      warm.snapshot = threadSnapshot();
    }
    await runTask(task, warm);
  }
}

if (data.task !== null) await runTask(data.task);
else if (data.probe !== null) await probe(data.probe);
else if (data.warm === true) await serveWarm();
