import { AuditChecker, type CheckOptions, type CheckResult } from "./audit-checker.ts";
import { readAuditLines } from "./read-audit-lines.ts";

/** Options of {@link checkAuditStream}. */
export interface StreamCheckOptions extends CheckOptions {
  /**
   * Called after the last line: whether the log ended with a newline. Without it an unparseable last line is
   * taken for a crash mid-write (a warning), since an iterable of lines cannot say.
   */
  readonly lastLineTerminated?: () => boolean;
}

/**
 * Checks an audit log given as lines against SPEC §8 and the oracle (§3–§7). Lines are judged one at a
 * time (the last one after the iteration ends, so a cut-off last line can be recognised); memory holds
 * only open requests and one circuit per model.
 */
export async function checkAuditStream(
  lines: AsyncIterable<string>,
  options: StreamCheckOptions,
): Promise<CheckResult> {
  const checker = new AuditChecker(options);
  let held: string | undefined;
  for await (const line of lines) {
    if (held !== undefined) checker.feed(held);
    held = line;
  }
  if (held !== undefined) checker.feed(held, !(options.lastLineTerminated?.() ?? false));
  return checker.finish();
}

/**
 * Checks a JSONL audit log file (`.gz` is gunzipped). Throws `AuditInputError` when the file cannot be
 * read; everything inside the file is reported in the result.
 */
export async function checkAuditFile(path: string, options: CheckOptions): Promise<CheckResult> {
  const source = await readAuditLines(path);
  return checkAuditStream(source.lines, { ...options, lastLineTerminated: () => source.endedWithNewline() });
}
