import { fileURLToPath } from "node:url";
import type { HeapLimitedScaleRun, ScaleSection } from "./bench-report.ts";
import { runSection } from "./fork-child.ts";

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
  options: { readonly heapLimitMb?: number; readonly probe?: boolean } = {},
): Promise<ScaleSection> {
  return runSection({
    file: CHILD,
    args: [String(requests), String(wallCapMs), options.probe === false ? "no-probe" : "probe"],
    execArgv:
      options.heapLimitMb === undefined ? [] : [`--max-old-space-size=${String(options.heapLimitMb)}`],
    failedTo: "run the scale bench",
    progress,
  });
}

/**
 * The scale run again in a process whose old space may not grow past `heapLimitMb`: whether 10,000 requests
 * fit in that heap, not where V8 happened to collect. A process that runs out of memory is reported, not
 * thrown: that is the answer "no".
 */
export async function forkHeapLimitedScaleBench(
  requests: number,
  wallCapMs: number,
  heapLimitMb: number,
  progress: (line: string) => void,
): Promise<HeapLimitedScaleRun> {
  try {
    const run = await forkScaleBench(requests, wallCapMs, progress, { heapLimitMb, probe: false });
    return { heapLimitMb, run, error: null };
  } catch (error) {
    return { heapLimitMb, run: null, error: error instanceof Error ? error.message : String(error) };
  }
}
