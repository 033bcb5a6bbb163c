import { fileURLToPath } from "node:url";
import {
  FAILOVER_CASES,
  type ContenderId,
  type FailoverProfileRow,
  type FailoverRow,
} from "./bench-report.ts";
import type { ProfileBudget } from "./cpu-profile.ts";
import type { FailoverBenchResult } from "./failover-bench.ts";
import { runSection } from "./fork-child.ts";
import type { Measured, RoundsBudget } from "./measure.ts";

const CHILD = fileURLToPath(new URL("./failover-bench-child.ts", import.meta.url));

/** Profiling of the failover section: its bounds, and where the reference's `.cpuprofile` files go. */
export interface FailoverProfiling {
  readonly budget: ProfileBudget;
  readonly dir: string | null;
}

/** One transport's failover bench, every contender measured: the bare call is always there. */
export type IsolatedFailoverResult = FailoverBenchResult & { readonly bareOk: Measured };

/**
 * The failover bench of one transport with each contender in a Node process of its own, in rounds beside the
 * limit's two pairs measured again in that process: a user's process runs one fallback engine, not five.
 * Run together, every engine's code evicted the others' from the caches and made the shared SDK and fleet
 * call sites polymorphic: the reference measured 1.47–1.54 × the limit (500, in process) among all five and
 * 1.31–1.39 × alone. The reference's process also takes the baselines (bare calls, its caller port, itself
 * without audit). Each row's ratio is to the limit measured beside it, so engines measured a minute apart on
 * a machine whose speed drifts are compared by ratios, never by raw milliseconds.
 */
export async function forkFailoverBench(
  transport: "inproc" | "loopback",
  contenders: readonly ContenderId[],
  budget: RoundsBudget,
  progress: (line: string) => void,
  profiling: FailoverProfiling | null = null,
): Promise<IsolatedFailoverResult> {
  const rows: FailoverRow[] = [];
  const profiles: FailoverProfileRow[] = [];
  const plot: Partial<Record<ContenderId, readonly number[]>> = {};
  let withBaselines: FailoverBenchResult | undefined;
  for (const contender of contenders) {
    const part = await runSection<FailoverBenchResult>({
      file: CHILD,
      args: [transport, contender, JSON.stringify(budget), JSON.stringify(profiling)],
      failedTo: `run the failover bench of ${contender} on ${transport}`,
      progress,
    });
    rows.push(...part.rows);
    profiles.push(...part.profiles);
    Object.assign(plot, part.plot);
    if (part.bareOk !== null) withBaselines = part;
  }
  const bareOk = withBaselines?.bareOk ?? null;
  if (withBaselines === undefined || bareOk === null)
    throw new Error(
      "Failed to measure the failover baselines: no contender's process took them. Keep the reference among the contenders.",
    );
  const order = (row: FailoverRow): number =>
    FAILOVER_CASES.indexOf(row.case) * contenders.length + contenders.indexOf(row.contender);
  rows.sort((a, b) => order(a) - order(b));
  return { rows, baselines: withBaselines.baselines, bareOk, plot, profiles };
}
