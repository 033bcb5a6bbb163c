import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchEnvironment } from "./bench-report.ts";

/** The packages whose versions decide the numbers: the compared libraries, the SDK, the fleet, the runner. */
const PACKAGES = [
  "ai",
  "@ai-sdk/openai",
  "@ai-sdk/anthropic",
  "ai-fallback",
  "cockatiel",
  "opossum",
  "msw",
  "tinybench",
  "zod",
] as const;

function installedVersion(root: string, name: string): string {
  try {
    const json = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof json.version === "string" ? json.version : "unknown";
  } catch {
    return "not installed";
  }
}

/** Where the bench ran: CPU, cores, memory, Node, the installed versions of the packages that matter, and the load. */
export function describeEnvironment(root: string): BenchEnvironment {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(root, name)])),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
