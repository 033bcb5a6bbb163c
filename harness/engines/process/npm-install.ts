import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** How an `npm install` ended: its exit code (null if npm did not start) and the tail of its output. */
export interface NpmInstallResult {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Writes `manifest` as `dir`'s package.json and runs `npm install` there: the registry only, no install
 * scripts, no dev dependencies. Process engines install themselves this way, pinned, into a cache they name.
 */
export async function npmInstallPinned(dir: string, manifest: object): Promise<NpmInstallResult> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  return new Promise((resolve) => {
    const child = spawn(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.on("error", (error) => resolve({ code: null, output: error.message }));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** npm's last three output lines, on one line, for an error message. */
export function npmOutputTail(result: NpmInstallResult): string {
  return result.output.trim().split("\n").slice(-3).join(" ");
}
