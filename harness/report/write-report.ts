import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { scenarioFiles } from "./build-report.ts";
import { junitXml } from "./junit-xml.ts";
import type { RunReport } from "./report-schema.ts";
import { scrubText } from "./scrub.ts";
import { summaryMarkdown } from "./summary-markdown.ts";

/** Extra renderers (the HTML report) plug in here so this module stays free of their weight. */
export type ExtraRenderer = (
  report: RunReport,
  outcomes: readonly ScenarioOutcome[],
) => { readonly file: string; readonly content: string };

/**
 * Writes report.json, summary.md, junit.xml, and per scenario its audit and fleet logs, into `dir`. Every
 * file is scrubbed of credential-shaped text on its way out: engine messages and audit lines are copied
 * from the engine, and a key in them must not land in a CI artifact.
 */
export async function writeReport(
  dir: string,
  report: RunReport,
  outcomes: readonly ScenarioOutcome[],
  extras: readonly ExtraRenderer[] = [],
): Promise<void> {
  const write = (file: string, content: string): Promise<void> =>
    writeFile(join(dir, file), scrubText(content));
  await mkdir(dir, { recursive: true });
  await write("report.json", `${JSON.stringify(report, null, 2)}\n`);
  await write("summary.md", summaryMarkdown(report));
  await write("junit.xml", junitXml(report));
  for (const o of outcomes) {
    const files = scenarioFiles(o.scenario.id);
    await mkdir(join(dir, "scenarios", o.scenario.id), { recursive: true });
    await write(files.audit, o.run.auditText);
    await write(files.fleet, o.run.fleetLogText);
  }
  for (const render of extras) {
    const { file, content } = render(report, outcomes);
    await write(file, content);
  }
}
