import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { isolateHooks } from "./isolate-hooks.ts";

/** A gateway or agent process an adapter started for one scenario. */
export interface EngineProcess {
  readonly pid: number;
  /** What it printed so far (the last 8 KB), for a failure message. */
  output(): string;
  /** Stops its whole process group: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * Whether this run is in a loopback-only network namespace (`unshare -n`: only `lo`), so nothing an engine
 * process does can reach another address. Recorded in the engine's name, so the report says it.
 */
export function loopbackOnlyNetwork(): boolean {
  return Object.keys(networkInterfaces()).every((name) => name === "lo");
}

/** A free 127.0.0.1 port (free now; the process binds it right after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts an engine process as the leader of its own process group and reports it to the isolate's
 * supervisor, which kills the group when the isolate ends however it ends (a watchdog, an exit, a crash):
 * no engine process outlives its run. Its output is kept, never passed to the harness's stdout.
 */
export function startEngineProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
): EngineProcess {
  const child: ChildProcess = spawn(command, [...args], {
    cwd: options.cwd,
    env: { ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  isolateHooks()?.reportChild(pid, [command, ...args].join(" "));
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  // `npm run scorecard` keeps what each engine process said as evidence for its FAIL cells.
  const outputDir = process.env.FH_ENGINE_OUTPUT_DIR;
  if (outputDir)
    // `close`, not `exit`: the last of its output may arrive after it exited.
    child.once("close", () => {
      try {
        appendFileSync(join(outputDir, `${pid}.log`), `$ ${[command, ...args].join(" ")}\n${output}`);
      } catch {
        // Evidence is best effort: a folder that vanished must not fail the engine's run.
      }
    });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The leader itself (ChildProcess#kill, not process.kill: the isolate refuses group signals from an
      // engine); the supervisor kills the whole group when the isolate ends.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
      await exited;
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

/** Waits until something answers HTTP at `url` (any status), or throws after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  engineProcess: EngineProcess,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return;
    } catch {
      if (Date.now() > until)
        throw new Error(
          `the engine process did not answer at ${url} within ${timeoutMs} ms; its output: ${engineProcess.output().slice(-500) || "(none)"}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
