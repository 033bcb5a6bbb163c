import { scrubText } from "../report/scrub.ts";
import type { CliIo } from "./io.ts";

/**
 * `io` with every write to stdout and stderr scrubbed of credential-shaped text (harness/report/scrub.ts):
 * an engine's error message is printed as the engine wrote it, and may hold a key. Commands write whole
 * lines, so a key is never split across two writes.
 */
export function scrubbingIo(io: CliIo): CliIo {
  return {
    stdout: {
      write: (text: string) => io.stdout.write(scrubText(text)),
      ...(io.stdout.isTTY !== undefined ? { isTTY: io.stdout.isTTY } : {}),
    },
    stderr: { write: (text: string) => io.stderr.write(scrubText(text)) },
    env: io.env,
    cwd: io.cwd,
  };
}
