import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  generateIncident,
  INCIDENT_SOURCES,
  REPOSITORY_ROOT,
} from "../../fixtures/incidents/incident-sources.ts";

// The generated incident logs are fixtures with expected findings: they must be exactly what their sources
// give today, or a change in an engine or the fleet would hide behind stale files.
describe("fixtures/incidents/generated", () => {
  it.each(INCIDENT_SOURCES.map((s) => [s.name, s] as const))(
    "%s is what its scenario and engine write (regenerate: npx tsx fixtures/incidents/build-incidents.ts)",
    async (_name, source) => {
      const generated = await generateIncident(source);
      const dir = `${REPOSITORY_ROOT}fixtures/incidents/generated/`;
      expect((await readFile(`${dir}${generated.logFile}`)).equals(generated.log)).toBe(true);
      expect(await readFile(`${dir}${generated.configFile}`, "utf8")).toBe(generated.config);
    },
    60_000,
  );
});
