import { ALL_CONTENDERS } from "./contenders.ts";
import { sendProgress, sendResult } from "./fork-child.ts";
import type { MeasureBudget } from "./measure.ts";
import { benchOverhead } from "./overhead-bench.ts";

// Entry of the process `forkOverheadBench` starts: the overhead section, its progress and rows sent to the
// parent. Arguments: the budget as JSON, and the bare mocked call's median in ms (the ratios' unit).
const budget = JSON.parse(process.argv[2] ?? "null") as MeasureBudget | null;
const bareMockedCallMs = Number(process.argv[3]);
if (budget === null || !(bareMockedCallMs > 0)) {
  console.error(
    `overhead bench: expected a budget as JSON and a mocked call's median in ms, got ${JSON.stringify(process.argv.slice(2))}.`,
  );
  process.exit(2);
}
sendResult(await benchOverhead(ALL_CONTENDERS, budget, bareMockedCallMs, sendProgress));
