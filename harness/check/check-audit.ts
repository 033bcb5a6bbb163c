import { AuditChecker, type CheckOptions, type CheckResult } from "./audit-checker.ts";
import { isOverlong, type LogLine } from "./line-splitter.ts";
import { batchesOf, feedLines, readAuditLines, type ReadLinesOptions } from "./read-audit-lines.ts";

/** Options of {@link checkAuditStream}. */
export interface StreamCheckOptions extends CheckOptions {
  /**
   * Called after the last line: whether the log ended with a newline. Without it an unparseable last line is
   * taken for a crash mid-write (a warning), since an iterable of lines cannot say.
   */
  readonly lastLineTerminated?: () => boolean;
}

/** Options of {@link checkAuditFile}. */
export interface FileCheckOptions extends CheckOptions, ReadLinesOptions {}

async function checkBatches(
  batches: AsyncIterable<readonly LogLine[]>,
  options: CheckOptions,
  lastLineTerminated: () => boolean,
): Promise<CheckResult> {
  const checker = new AuditChecker(options);
  await feedLines(
    batches,
    (line, unterminated) => {
      if (isOverlong(line)) checker.feedOverlong(line);
      else checker.feed(line, unterminated);
    },
    lastLineTerminated,
  );
  return checker.finish();
}

/**
 * Checks an audit log given as lines against SPEC §8 and the oracle (§3–§7). Lines are judged one at a
 * time (the last one after the iteration ends, so a cut-off last line can be recognised); memory holds
 * only open requests and one circuit per model.
 */
export async function checkAuditStream(
  lines: AsyncIterable<LogLine> | Iterable<LogLine>,
  options: StreamCheckOptions,
): Promise<CheckResult> {
  return checkBatches(batchesOf(lines), options, () => options.lastLineTerminated?.() ?? false);
}

/**
 * Checks a JSONL audit log file (`.gz` is gunzipped), in memory bounded by the longest allowed line
 * (`maxLineBytes`; longer lines are reported, not read). Throws `AuditInputError` when the file cannot be
 * read; everything inside the file is reported in the result.
 */
export async function checkAuditFile(path: string, options: FileCheckOptions): Promise<CheckResult> {
  const source = await readAuditLines(path, options);
  return checkBatches(source.batches, options, () => source.endedWithNewline());
}
