import { describe, expect, it } from "vitest";
import { AuditLogBuilder, servedByPrimary, triageOf } from "../triage-test-kit.ts";
import { eventfulLog } from "./render-test-logs.ts";
import { triageHtml } from "./triage-html.ts";
import { triageMarkdown } from "./triage-markdown.ts";

/** Every Markdown table as rows of cell text (the header row first, the `---` row dropped). */
function markdownTables(md: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      current = null;
      continue;
    }
    if (/^\|(?:-+\|)+$/.test(line)) continue;
    if (current === null) {
      current = [];
      tables.push(current);
    }
    // Split on the `|` a cell does not escape, then undo the escapes.
    const cells = line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((c) => c.replaceAll("\\|", "|").replaceAll("\\\\", "\\"));
    current.push(cells);
  }
  return tables;
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

/** Every HTML data table as rows of cell text (the header row first), entities decoded. */
function htmlTables(html: string): string[][][] {
  return [...html.matchAll(/<table class="data">(.*?)<\/table>/gs)].map(([, inner]) =>
    [...(inner ?? "").matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, row]) =>
      [...(row ?? "").matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map(([, cell]) =>
        (cell ?? "").replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e),
      ),
    ),
  );
}

/** The reader-problem table: a list in Markdown, a table in HTML, by design. */
const isProblemTable = (table: string[][]): boolean => table[0]?.[0] === "line";

describe("triage.md and triage.html", () => {
  for (const [name, findings] of [
    ["an eventful log", triageOf(eventfulLog(), { file: "incident.jsonl" })],
    ["a clean log", triageOf(servedByPrimary(new AuditLogBuilder(), ["a"]))],
  ] as const) {
    it(`say the same in every table, for ${name}`, () => {
      const md = markdownTables(triageMarkdown(findings));
      const html = htmlTables(triageHtml(findings)).filter((t) => !isProblemTable(t));

      expect(md.length).toBeGreaterThanOrEqual(2);
      expect(html).toEqual(md);
    });
  }
});
