import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ScaleSection } from "./bench-report.ts";

/** What the scale child sends its parent: progress lines, then the section. */
export type ScaleChildMessage =
  | { readonly kind: "progress"; readonly line: string }
  | { readonly kind: "section"; readonly section: ScaleSection };

const CHILD = fileURLToPath(new URL("./scale-bench-child.ts", import.meta.url));

/**
 * Runs `benchScale` in a fresh Node process (tsx loader). Its peak heap is then the heap of the 10,000
 * requests and their engine, fleet and audit, as in a user's process, and not also what the bench's earlier
 * sections left behind in this one (modules of every peer, failover samples, a million-line audit check's
 * garbage): run after them in the bench's own process, the same run peaked about 200 MB higher. The scale
 * section has no ratio to a baseline, so it loses nothing by leaving the bench's process.
 */
export function forkScaleBench(
  requests: number,
  wallCapMs: number,
  progress: (line: string) => void,
): Promise<ScaleSection> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [String(requests), String(wallCapMs)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let section: ScaleSection | undefined;
    child.on("message", (message: ScaleChildMessage) => {
      if (message.kind === "progress") progress(message.line);
      else section = message.section;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (section !== undefined && code === 0) resolve(section);
      else
        reject(
          new Error(
            `Failed to run the scale bench: its process ended with ${signal ?? `code ${String(code)}`} and no result. See its output above.`,
          ),
        );
    });
  });
}
