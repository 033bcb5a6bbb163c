import { fileURLToPath } from "node:url";
import type { OverheadRow } from "./bench-report.ts";
import { runSection } from "./fork-child.ts";
import type { MeasureBudget } from "./measure.ts";

const CHILD = fileURLToPath(new URL("./overhead-bench-child.ts", import.meta.url));

/**
 * Runs the overhead section (`benchOverhead`, every contender) in a fresh Node process. Each engine then
 * meets only the zero-cost stub calls, as a user's process meets only its own caller. Run after the failover
 * section in the bench's own process, the engines' call sites had already seen the real callers' shapes (an
 * AI SDK model's iterator, its errors) and were polymorphic when the stubs came: the reference's success
 * path measured 3.1 µs there against 0.8 µs alone, cockatiel's 1.05 against 0.77.
 */
export function forkOverheadBench(
  budget: MeasureBudget,
  bareMockedCallMs: number,
  progress: (line: string) => void,
): Promise<readonly OverheadRow[]> {
  return runSection({
    file: CHILD,
    args: [JSON.stringify(budget), String(bareMockedCallMs)],
    failedTo: "run the overhead bench",
    progress,
  });
}
