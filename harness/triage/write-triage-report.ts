import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { triageHtml } from "./render/triage-html.ts";
import { triageMarkdown } from "./render/triage-markdown.ts";
import type { TriageFindings } from "./triage-findings.ts";

/** Where a triage report went. */
export interface TriageReportFiles {
  readonly markdown: string;
  readonly html: string;
}

/** `model-fallback.jsonl.gz` → `triage-model-fallback`: the default report folder's name. */
export function defaultTriageDirName(logPath: string): string {
  const name = basename(logPath)
    .replace(/\.gz$/i, "")
    .replace(/\.(jsonl|ndjson|json|log|txt)$/i, "");
  return `triage-${name === "" ? "log" : name}`;
}

/** Writes `triage.md` and `triage.html` into `dir` (created if missing). Throws the file system's error. */
export async function writeTriageReport(findings: TriageFindings, dir: string): Promise<TriageReportFiles> {
  await mkdir(dir, { recursive: true });
  const files = { markdown: join(dir, "triage.md"), html: join(dir, "triage.html") };
  await writeFile(files.markdown, triageMarkdown(findings));
  await writeFile(files.html, triageHtml(findings));
  return files;
}
