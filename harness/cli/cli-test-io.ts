import type { CliIo } from "./io.ts";

/** A CliIo that records what a command printed. */
export function recordingIo(
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
