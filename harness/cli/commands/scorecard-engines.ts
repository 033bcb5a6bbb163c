import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import { loopbackOnlyNetwork } from "../../engines/process/engine-process.ts";
import type { ProcessEngine } from "../../engines/process-engines.ts";

/**
 * The engines `npm run scorecard` knows by name, and the facts its header states about them and about the
 * machine. Everything here reads the world (git, node_modules, the OS); the table itself does not.
 */

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** The engines of issue 14's scorecard, in the order of the table. */
export const SCORECARD_ENGINES = [
  "reference",
  "ai-fallback",
  "cockatiel",
  "plain-fetch-loop",
  "portkey",
  "opencode",
  "opencode+omo",
] as const;

/** The example library engines, by name: their module and the npm packages they wrap. */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  "ai-fallback": ["ai-fallback", "ai"],
  cockatiel: ["cockatiel", "ai"],
  "plain-fetch-loop": [],
};

/** The `--engine` value `run` takes for a scorecard name: undefined for the reference, a path for an example. */
export function engineSpec(given: string, cwd: string): string | undefined {
  if (given === "reference") return undefined;
  if (Object.hasOwn(EXAMPLES, given)) return relative(cwd, join(REPO, "examples", "engines", `${given}.ts`));
  return given;
}

/** The version in a package.json, `unknown` or `not installed` when there is none. */
function versionIn(file: string): string {
  try {
    const text = readFileSync(file, "utf8");
    const { version } = JSON.parse(text) as { version?: unknown };
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "not installed";
  }
}

/** A package's installed version, from its package.json under the repository's node_modules. */
const packageVersion = (name: string): string => versionIn(join(REPO, "node_modules", name, "package.json"));

/** This repository's commit, `+dirty` when the working tree has changes; `unknown` outside a git clone. */
export function harnessCommit(): string {
  const git = (args: string[]): string =>
    execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const sha = git(["rev-parse", "--short=12", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
    return `fallback-harness ${versionIn(join(REPO, "package.json"))} @ ${sha}${dirty ? "+dirty" : ""}`;
  } catch {
    return "fallback-harness (not a git clone: commit unknown)";
  }
}

/** What exactly a column judged: npm package versions, the process engine's own version, or our commit. */
export async function engineVersion(given: string, process: ProcessEngine | undefined): Promise<string> {
  const wrapped = EXAMPLES[given];
  if (wrapped !== undefined)
    return wrapped.length === 0
      ? `examples/engines/${given}.ts (ours)`
      : wrapped.map((name) => `${name} ${packageVersion(name)}`).join(", ");
  if (given === "reference") return "src/ (this commit)";
  if (process?.version) {
    try {
      return await process.version();
    } catch (error) {
      return `version unknown (${(error as Error).message})`;
    }
  }
  return process ? process.name : given;
}

/** Cores, load and memory: a reader judging the times needs to know how busy the machine was. */
export function machineLine(): string {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  return `${cpus().length} cores, load ${load} (1/5/15 min), ${Math.round(totalmem() / 2 ** 30)} GiB, ${type()} ${release()}, node ${process.version}`;
}

/** Whether engines ran where nothing but 127.0.0.1 is reachable. */
export function namespaceLine(): string {
  return loopbackOnlyNetwork()
    ? "a loopback-only network namespace (only `lo`): no engine could reach another address"
    : "not in a loopback-only network namespace (run as root under `unshare -n` for one); in-process engines are held to the fleet by the isolate's network guard, engine processes are pointed at 127.0.0.1 only";
}
