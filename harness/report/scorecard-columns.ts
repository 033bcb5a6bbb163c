import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ColumnResult } from "./engine-scorecard.ts";
import { parseJsonFile } from "./parse-json-file.ts";

/**
 * Each engine's scorecard column is kept beside its report as `column.json`, so that `scorecard --keep`
 * can run one engine again (or run slow engines at another time, on a quiet machine) and still write the
 * whole table. A kept column carries its own date, commit and load: columns of several runs are never
 * passed off as one run.
 */

export const COLUMN_FILE = "column.json";
const FORMAT = "fallback-harness-scorecard-column";
const VERSION = 1;

const verdict = z.enum(["pass", "fail", "partial"]).nullable();
const cell = z.strictObject({
  kind: z.enum(["fail-safety", "fail-conformance", "partial", "pass", "skipped", "not-run"]),
  safety: verdict,
  conformance: verdict,
  reason: z.string(),
  medianMs: z.number().nonnegative().nullable(),
  evidence: z.string().nullable(),
});
const columnSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  column: z.strictObject({
    given: z.string().min(1),
    name: z.string(),
    version: z.string(),
    dir: z.string().regex(/^[a-z0-9._-]+$/, "a folder name of the scorecard"),
    notRun: z.string().nullable(),
    wallMs: z.number().nonnegative().nullable(),
    medianMs: z.number().nonnegative().nullable(),
    ran: z.strictObject({ date: z.string(), commit: z.string(), load: z.string() }),
  }),
  rows: z.array(z.strictObject({ id: z.string().min(1), title: z.string(), file: z.string(), cell })),
});

/** Writes an engine's column into its folder. */
export async function writeColumn(engineRoot: string, result: ColumnResult): Promise<void> {
  const body = { format: FORMAT, version: VERSION, ...result };
  await writeFile(join(engineRoot, COLUMN_FILE), `${JSON.stringify(body, null, 2)}\n`);
}

export type KeptColumns =
  | { readonly ok: true; readonly columns: readonly ColumnResult[] }
  | { readonly ok: false; readonly message: string };

/**
 * The columns an earlier scorecard left in `root`, except those in `replaced` (the folders this run writes
 * anew), in folder-name order. A folder without column.json is not a column (e.g. `evidence`); a column.json
 * that does not parse is an error naming the file and the field, never a silently dropped column.
 */
export async function readKeptColumns(root: string, replaced: ReadonlySet<string>): Promise<KeptColumns> {
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !replaced.has(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return { ok: true, columns: [] };
  }
  const columns: ColumnResult[] = [];
  for (const dir of entries) {
    const file = join(root, dir, COLUMN_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    const parsed = parseJsonFile(file, text, columnSchema, "a scorecard column");
    if (!parsed.ok) return parsed;
    if (parsed.data.column.dir !== dir)
      return {
        ok: false,
        message: `${file}: column.dir says "${parsed.data.column.dir}", not its folder "${dir}"`,
      };
    const { format: _format, version: _version, ...result } = parsed.data;
    columns.push(result);
  }
  return { ok: true, columns };
}
