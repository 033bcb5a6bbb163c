/** The CLI's window on the world, injected so commands are testable without spawning a process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** SPEC §11. */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2 } as const;
/** One of the exit codes of SPEC §11. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
