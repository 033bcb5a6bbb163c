import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatScenarioProblems, loadScenarioFile } from "./load-scenario.ts";
import { srcConfigReading } from "./scenario-config-reading.ts";
import { scenarioSchema, type Scenario } from "./schema.ts";
import { scenarioInputProblems } from "./validate-scenario.ts";

const root = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/** Every shipped scenario file: `*.yaml` under `scenarios/` (plain `.json` files there are configs). */
async function scenarioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return scenarioFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    }),
  );
  return nested.flat().sort();
}

async function loadLibrary(): Promise<{ file: string; scenario: Scenario }[]> {
  const loaded: { file: string; scenario: Scenario }[] = [];
  for (const file of await scenarioFiles(root)) {
    const result = await loadScenarioFile(file, scenarioSchema);
    if (!result.ok)
      throw new Error(`Failed to load ${relative(root, file)}: ${formatScenarioProblems(result.problems)}`);
    loaded.push({ file, scenario: result.value });
  }
  return loaded;
}

/** How many expectations a scenario states, of every kind. */
function expectationCount(scenario: Scenario): number {
  const e = scenario.expect;
  return (
    e.requests.length +
    (e.success_rate ? 1 : 0) +
    (e.audit ? e.audit.present.length + e.audit.absent.length : 0) +
    e.breaker.length +
    e.no_hammer.length +
    (e.return_to_primary ? 1 : 0) +
    e.calls.length
  );
}

describe("the shipped scenario library", () => {
  it("holds at least 45 scenarios, each of which loads with the schema", async () => {
    const library = await loadLibrary();
    expect(library.length).toBeGreaterThanOrEqual(45);
  });

  it("gives every scenario a unique id", async () => {
    const ids = (await loadLibrary()).map(({ scenario }) => scenario.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(duplicates).toEqual([]);
  });

  it("gives every scenario a description, tags and at least one expectation", async () => {
    const lacking = (await loadLibrary())
      .filter(
        ({ scenario }) =>
          scenario.description.trim().length < 40 ||
          scenario.tags.length === 0 ||
          expectationCount(scenario) === 0,
      )
      .map(({ file }) => relative(root, file));
    expect(lacking).toEqual([]);
  });

  it("covers every failoverbench scenario S01–S16 with one file each", async () => {
    const ids = (await loadLibrary()).map(({ scenario }) => scenario.id);
    for (let n = 1; n <= 16; n++) {
      const prefix = `s${String(n).padStart(2, "0")}-`;
      expect(
        ids.filter((id) => id.startsWith(prefix)),
        prefix,
      ).toHaveLength(1);
    }
  });

  it("passes input validation: every model, label and index an expectation names exists", async () => {
    const problems: string[] = [];
    for (const { file, scenario } of await loadLibrary()) {
      problems.push(
        ...(await scenarioInputProblems(scenario, file, srcConfigReading)).map(
          (p) => `${relative(root, file)} ${p.path}: ${p.message}`,
        ),
      );
    }
    expect(problems).toEqual([]);
  });

  it("names each file after its scenario id", async () => {
    const mismatched = (await loadLibrary())
      .filter(({ file, scenario }) => !file.endsWith(`/${scenario.id}.yaml`))
      .map(({ file }) => relative(root, file));
    expect(mismatched).toEqual([]);
  });
});
