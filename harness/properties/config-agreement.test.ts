import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configDisagreements } from "../oracle/config-agreement-law.ts";
import { readConfigFile, readConfigValue } from "../oracle/config-reading.ts";
import { engineReadingOf, engineReadingOfFile } from "./engine-config-reading.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const scenarioFiles = [
  ...filesUnder("scenarios", (name) => name.endsWith(".yaml")),
  ...filesUnder("harness/defects/scenarios", (name) => name.endsWith(".yaml")),
];

/** Every config file shipped: scenario configs, fixture configs (valid and invalid), incident configs. */
const configFiles = [
  ...filesUnder("scenarios", (name) => name.endsWith(".json")),
  ...filesUnder("fixtures/configs", (name) => /\.jsonc?$/.test(name)),
  ...filesUnder("fixtures/audit/configs", (name) => name.endsWith(".json")),
  ...filesUnder("fixtures/incidents", (name) => name.endsWith(".opencode.json")),
];

describe("the oracle's reading of a config agrees with the engine's on every shipped config", () => {
  it("finds the shipped scenarios and config files (a moved folder must not make this vacuous)", () => {
    expect(scenarioFiles.length).toBeGreaterThanOrEqual(100);
    expect(configFiles.length).toBeGreaterThanOrEqual(15);
  });

  it.each(scenarioFiles.map((file) => [relative(root, file), file]))("scenario %s", async (_name, file) => {
    const config = (parseYaml(readFileSync(file, "utf8")) as { config?: unknown }).config;
    const [oracle, engine] =
      typeof config === "string"
        ? [
            await readConfigFile(resolve(dirname(file), config)),
            await engineReadingOfFile(resolve(dirname(file), config)),
          ]
        : [readConfigValue(config), engineReadingOf(config)];
    expect(configDisagreements(oracle, engine)).toEqual([]);
    // Shipped scenarios must be runnable: both readings accept them.
    expect(oracle.ok).toBe(true);
  });

  it.each(configFiles.map((file) => [relative(root, file), file]))("config file %s", async (_name, file) => {
    expect(configDisagreements(await readConfigFile(file), await engineReadingOfFile(file))).toEqual([]);
  });
});
