import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "../oracle/config-defaults.ts";
import type { OracleConfig, OracleOverrides } from "../oracle/config-types.ts";
import { oracleSettingsFor, overlaySettings } from "../oracle/config-merge.ts";
import { readConfigFile } from "../oracle/config-reading.ts";
import { checkAuditFile } from "./check-audit.ts";
import { RULES } from "./rules.ts";

const dir = fileURLToPath(new URL("../../fixtures/audit/", import.meta.url));

interface BadEntry {
  readonly file: string;
  readonly rule: string;
  readonly line: number;
  readonly defect: string;
  readonly config?: string;
}

const bad = JSON.parse(readFileSync(`${dir}bad/expected.json`, "utf8")) as BadEntry[];
const good = JSON.parse(readFileSync(`${dir}good/expected.json`, "utf8")) as {
  file: string;
  overrides: OracleOverrides;
}[];

async function configAt(path: string): Promise<OracleConfig> {
  const loaded = await readConfigFile(`${dir}${path}`);
  if (!loaded.ok)
    throw new Error(
      `Failed to load the fixture config ${path}: ${JSON.stringify(loaded.problems)}. Fix the fixture.`,
    );
  return loaded.config;
}

describe("the planted bad audit logs in fixtures/audit/bad", () => {
  it("holds at least 18 logs, each naming a rule the checker knows", () => {
    expect(bad.length).toBeGreaterThanOrEqual(18);
    for (const entry of bad) expect(Object.keys(RULES)).toContain(entry.rule);
  });

  it.each(bad.map((entry) => [entry.file, entry] as const))(
    "catches %s with the right rule at the right line",
    async (_file, entry) => {
      const config = entry.config === undefined ? undefined : await configAt(entry.config);
      const result = await checkAuditFile(
        `${dir}bad/${entry.file}`,
        config === undefined
          ? { settingsFor: () => ORACLE_DEFAULTS }
          : { settingsFor: (agent) => oracleSettingsFor(config, agent), config },
      );
      expect(result.ok).toBe(false);
      expect({ rule: result.firstViolation?.rule, line: result.firstViolation?.line }).toEqual({
        rule: entry.rule,
        line: entry.line,
      });
    },
  );
});

describe("the realistic good audit logs in fixtures/audit/good", () => {
  it.each(good.map((entry) => [entry.file, entry] as const))(
    "passes %s without violations or warnings",
    async (_file, entry) => {
      const settings = overlaySettings(ORACLE_DEFAULTS, entry.overrides);
      const result = await checkAuditFile(`${dir}good/${entry.file}`, { settingsFor: () => settings });
      expect(result.violations).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.requests).toBeGreaterThan(0);
    },
  );
});
