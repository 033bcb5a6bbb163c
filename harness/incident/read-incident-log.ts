import { isOverlong, type LogLine } from "../check/line-splitter.ts";
import { batchesOf, feedLines, readAuditLines, type ReadLinesOptions } from "../check/read-audit-lines.ts";
import type { IncidentLine } from "./incident-line.ts";
import { IncidentReader, type IncidentReadOptions, type IncidentReadResult } from "./incident-reader.ts";

// The CLI reads a log and prints its problems through this one module.
export { formatIncidentProblems } from "./format-incident-problems.ts";

/** Options of {@link readIncidentLines}. */
export interface IncidentLinesOptions extends IncidentReadOptions {
  /**
   * Whether the log ended with a newline, asked after the last line. Without it an unparseable last line is
   * taken for a write cut short (a warning), since an iterable of lines cannot say.
   */
  readonly endedWithNewline?: () => boolean;
}

/**
 * Reads an incident log given as lines (SPEC §8 or OpenCode-style, see opencode-format.ts) and hands each
 * usable line to `onLine` as a SPEC §8 line. One line is held back so the last one is known as such.
 * Lines of a request whose `fallback_request` is synthesized arrive when the request ends; `seq` keeps
 * the file order.
 */
export async function readIncidentLines(
  lines: AsyncIterable<LogLine> | Iterable<LogLine>,
  onLine: (line: IncidentLine) => void,
  options: IncidentLinesOptions = {},
): Promise<IncidentReadResult> {
  return readBatches(batchesOf(lines), onLine, options);
}

async function readBatches(
  batches: AsyncIterable<readonly LogLine[]>,
  onLine: (line: IncidentLine) => void,
  options: IncidentLinesOptions,
): Promise<IncidentReadResult> {
  const reader = new IncidentReader(onLine, options);
  await feedLines(
    batches,
    (line, unterminated) => {
      if (isOverlong(line)) reader.feedOverlong(line);
      else reader.feed(line, unterminated);
    },
    () => options.endedWithNewline?.() ?? false,
  );
  return reader.finish();
}

/**
 * Streams an incident log file (gunzipped when the name ends in `.gz`) in bounded memory: lines over
 * `maxLineBytes` are reported as `line-too-long` problems, not read. Throws
 * `AuditInputError` when the file cannot be read (missing, a directory, broken gzip); everything inside the
 * file is reported in the summary's problems, each with its line number.
 */
export async function readIncidentLog(
  path: string,
  onLine: (line: IncidentLine) => void,
  options: IncidentReadOptions & ReadLinesOptions = {},
): Promise<IncidentReadResult> {
  const source = await readAuditLines(path, options);
  return readBatches(source.batches, onLine, {
    file: path,
    ...options,
    endedWithNewline: () => source.endedWithNewline(),
  });
}
