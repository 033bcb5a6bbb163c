import { spawn } from "node:child_process";
import { trackGroup } from "../engine-groups.ts";

// A harness process with an engine group alive and, optionally, a listener of its own on the stop signal
// (as `serve` holds SIGINT/SIGTERM to stop gracefully), registered before or after the group is tracked.
// argv: `none` | `listener-first` | `groups-first`, then the signal. Prints `group <pgid>` once armed.
const [order = "none", signal = "SIGTERM"] = process.argv.slice(2);

/** A graceful stop that takes a moment (closing servers), then exits 0: it must be let finish. */
function graceful(): void {
  setTimeout(() => {
    process.stdout.write("graceful stop\n");
    process.exit(0);
  }, 300);
}

if (order === "listener-first") process.once(signal, graceful);
const engine = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
if (engine.pid === undefined) throw new Error("could not start sleep");
trackGroup(engine.pid);
if (order === "groups-first") process.once(signal, graceful);
process.stdout.write(`group ${engine.pid}\n`);
// Stay up until a signal decides.
setInterval(() => undefined, 1_000);
