import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ScenarioOutcome } from "../runner/run-suite.ts";
import { scenarioFiles } from "./build-report.ts";
import { junitXml } from "./junit-xml.ts";
import type { RunReport } from "./report-schema.ts";
import { summaryMarkdown } from "./summary-markdown.ts";

/** Extra renderers (the HTML report) plug in here so this module stays free of their weight. */
export type ExtraRenderer = (report: RunReport, outcomes: readonly ScenarioOutcome[]) => { readonly file: string; readonly content: string };

/** Writes report.json, summary.md, junit.xml, and per scenario its audit and fleet logs, into `dir`. */
export async function writeReport(dir: string, report: RunReport, outcomes: readonly ScenarioOutcome[], extras: readonly ExtraRenderer[] = []): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, "summary.md"), summaryMarkdown(report));
  await writeFile(join(dir, "junit.xml"), junitXml(report));
  for (const o of outcomes) {
    const files = scenarioFiles(o.scenario.id);
    await mkdir(join(dir, "scenarios", o.scenario.id), { recursive: true });
    await writeFile(join(dir, files.audit), o.run.auditText);
    await writeFile(join(dir, files.fleet), o.run.fleetLogText);
  }
  for (const render of extras) {
    const { file, content } = render(report, outcomes);
    await writeFile(join(dir, file), content);
  }
}
