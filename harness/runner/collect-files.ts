import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Scenario files: `*.yaml`, `*.yml` and `*.scenario.json` (plain `.json` next to them are configs). */
export function isScenarioFile(name: string): boolean {
  return /\.(ya?ml)$/.test(name) || name.endsWith(".scenario.json");
}

/** Expands files and folders (recursively) into scenario files, sorted, so a suite always runs in one order. */
export async function collectScenarioFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (isScenarioFile(entry.name)) files.push(path);
    }
  };
  for (const given of paths) {
    const path = resolve(cwd, given);
    try {
      if ((await stat(path)).isDirectory()) await walk(path);
      else files.push(path);
    } catch {
      missing.push(given);
    }
  }
  return { files: [...new Set(files)], missing };
}
