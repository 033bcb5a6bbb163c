import { writeFileSync } from "node:fs";
import type { EngineUnderTest } from "../../../../src/index.ts";
import { startEngineProcess } from "../engine-process.ts";

// A process engine that starts a long-lived child (with a grandchild in its group) and then never answers:
// the supervisor's watchdog ends the isolate, and the children must end with it.
const engine: EngineUnderTest = {
  name: "spawns-and-hangs",
  create() {
    const child = startEngineProcess("sh", ["-c", "sleep 600 & sleep 600; wait"], {
      cwd: "/",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    writeFileSync(process.env.FH_TEST_PID_FILE ?? "/dev/null", String(child.pid));
    return {
      run: () => new Promise(() => setInterval(() => undefined, 1_000)),
      close: () => new Promise(() => undefined),
    };
  },
};

export default engine;
