import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { liveInGroup } from "./process-group-test-kit.ts";

const CHILD = fileURLToPath(new URL("./test-processes/hold-signal.ts", import.meta.url));

interface Ended {
  readonly pgid: number;
  readonly how: NodeJS.Signals | number | null | "still running";
  readonly stdout: string;
}

/** Starts the child, waits until its engine group is tracked, sends it `signal` and waits for its end. */
async function stopWith(order: string, signal: NodeJS.Signals): Promise<Ended> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, order, signal], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  let pgid = 0;
  const armed = new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /group (\d+)/.exec(stdout);
      if (match?.[1] !== undefined && pgid === 0) {
        pgid = Number(match[1]);
        resolve();
      }
    }),
  );
  const ended = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, sig) => resolve(sig ?? code)),
  );
  await armed;
  child.kill(signal);
  // A child the signal did not end (a broken re-raise) is killed here, not left behind by the test.
  let timer: NodeJS.Timeout | undefined;
  const how = await Promise.race([
    ended,
    new Promise<"still running">((resolve) => (timer = setTimeout(() => resolve("still running"), 10_000))),
  ]);
  clearTimeout(timer);
  if (how === "still running") child.kill("SIGKILL");
  // The kill is sent as the signal is handled; give the kernel a moment, then leave nothing behind.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const survivors = liveInGroup(pgid);
  if (survivors.length > 0) process.kill(-pgid, "SIGKILL");
  return { pgid, how, stdout: survivors.length > 0 ? `${stdout}(group survived)\n` : stdout };
}

describe("engine groups on a stop signal (child process, real signal)", () => {
  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "with no other listener: kill the groups, then let %s end the process",
    async (signal) => {
      const { how, stdout } = await stopWith("none", signal);
      expect(stdout).not.toContain("(group survived)");
      expect(how).toBe(signal);
    },
    30_000,
  );

  it.each(["listener-first", "groups-first"])(
    "with another listener on the signal (registered %s): kill the groups, then let it stop gracefully",
    async (order) => {
      const { how, stdout } = await stopWith(order, "SIGTERM");
      expect(stdout).not.toContain("(group survived)");
      expect(stdout).toContain("graceful stop");
      expect(how).toBe(0);
    },
    30_000,
  );
});
