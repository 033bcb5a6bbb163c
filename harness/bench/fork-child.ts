import { fork } from "node:child_process";

/** How to run one bench child: its module, arguments, Node flags beyond the tsx loader, and its messages. */
export interface ChildRun<T> {
  readonly file: string;
  readonly args: readonly string[];
  readonly execArgv?: readonly string[];
  /** Completes "Failed to …" when the child ends without a result. */
  readonly failedTo: string;
  /** Reads one message: the result, or undefined for anything else (a progress line). */
  readonly read: (message: unknown) => T | undefined;
}

/**
 * Runs a bench section in a fresh Node process (tsx loader, stdout and stderr shared), so that nothing this
 * process holds enters its numbers. Resolves with the last result it sent once it exits with code 0.
 */
export function runChild<T>(run: ChildRun<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(run.file, [...run.args], {
      execArgv: [...(run.execArgv ?? []), "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: T | undefined;
    child.on("message", (message) => {
      result = run.read(message) ?? result;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (result !== undefined && code === 0) resolve(result);
      else
        reject(
          new Error(
            `Failed to ${run.failedTo}: its process ended with ${signal ?? `code ${String(code)}`} and no result. See its output above.`,
          ),
        );
    });
  });
}

/** What a bench section's child sends its parent: progress lines while it runs, then its result. */
export type SectionMessage<T> =
  { readonly kind: "progress"; readonly line: string } | { readonly kind: "result"; readonly result: T };

/** {@link runChild} for a child that speaks {@link SectionMessage}: its progress lines go to `progress`. */
export function runSection<T>(
  run: Omit<ChildRun<T>, "read"> & { readonly progress: (line: string) => void },
): Promise<T> {
  const { progress, ...rest } = run;
  return runChild({
    ...rest,
    read: (message) => {
      const sent = message as SectionMessage<T>;
      if (sent.kind === "result") return sent.result;
      progress(sent.line);
      return undefined;
    },
  });
}

/** The child's side of {@link runSection}: one progress line. */
export function sendProgress(line: string): void {
  process.send?.({ kind: "progress", line } satisfies SectionMessage<never>);
}

/** The child's side of {@link runSection}: its result, after which it lets the channel go so it can exit. */
export function sendResult<T>(result: T): void {
  process.send?.({ kind: "result", result } satisfies SectionMessage<T>);
  process.disconnect?.();
}
