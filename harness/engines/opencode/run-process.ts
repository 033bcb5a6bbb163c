import { spawn } from "node:child_process";
import { isolateHooks } from "../process/isolate-hooks.ts";

/** A finished one-shot process: its stdout (whole), the tail of its stderr, and how it ended. */
export interface OneShot {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/**
 * Runs one `opencode run` as the leader of its own process group, reported to the isolate's supervisor (which
 * kills the group whatever happens), passing each stdout line to `onLine` as it comes. `signal` stops it.
 */
export function runOnce(
  command: string,
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly onLine?: (line: string) => void;
    readonly signal?: AbortSignal;
  },
): Promise<OneShot> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...options.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid === undefined) {
      reject(new Error(`could not start ${command}`));
      return;
    }
    isolateHooks()?.reportChild(child.pid, [command, ...args.slice(0, 4)].join(" "));
    let stdout = "";
    let pending = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      stdout += text;
      pending += text;
      let end = pending.indexOf("\n");
      while (end !== -1) {
        options.onLine?.(pending.slice(0, end));
        pending = pending.slice(end + 1);
        end = pending.indexOf("\n");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4096)));
    const stop = (): void => {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
    };
    options.signal?.addEventListener("abort", stop, { once: true });
    child.on("error", reject);
    child.on("close", (code) => {
      options.signal?.removeEventListener("abort", stop);
      if (pending !== "") options.onLine?.(pending);
      resolve({ stdout, stderr, exitCode: code });
    });
  });
}
