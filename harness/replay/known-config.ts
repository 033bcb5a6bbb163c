import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { scenarioConfig } from "../runner/run-scenario.ts";
import type { Scenario } from "../scenario/schema.ts";
import type { KnownConfig } from "./infer-scenario.ts";

/** A scenario's config as replay takes it from `--config`: the text as written, and validated. */
export async function knownConfigOf(scenario: Scenario, file: string): Promise<KnownConfig> {
  const parsed = await scenarioConfig(scenario, file);
  const raw: unknown =
    typeof scenario.config === "string"
      ? parseJsonc(await readFile(resolve(dirname(file), scenario.config), "utf8"), [], {
          allowTrailingComma: true,
        })
      : scenario.config;
  return { raw: raw as Record<string, unknown>, parsed };
}
