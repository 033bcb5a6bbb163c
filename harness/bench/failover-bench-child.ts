import { ALL_CONTENDERS } from "./contenders.ts";
import { benchFailover } from "./failover-bench.ts";
import { sendProgress, sendResult } from "./fork-child.ts";
import type { FailoverProfiling } from "./failover-process.ts";
import type { RoundsBudget } from "./measure.ts";

// Entry of the processes `forkFailoverBench` starts: one contender's failover bench on one transport, sent
// to the parent. Arguments: the transport, the contender's id, the budget as JSON, the profiling as JSON
// (null: none). The reference's process also takes the baselines.
const [transport, id, budgetJson, profilingJson] = process.argv.slice(2);
const contender = ALL_CONTENDERS.find((c) => c.id === id);
const budget = JSON.parse(budgetJson ?? "null") as RoundsBudget | null;
const profiling = JSON.parse(profilingJson ?? "null") as FailoverProfiling | null;
if ((transport !== "inproc" && transport !== "loopback") || contender === undefined || budget === null) {
  console.error(
    `failover bench: expected inproc|loopback, a contender (${ALL_CONTENDERS.map((c) => c.id).join(", ")}) and a budget as JSON, got ${JSON.stringify(process.argv.slice(2))}.`,
  );
  process.exit(2);
}
sendResult(
  await benchFailover(transport, [contender], budget, sendProgress, {
    baselines: contender.id === "reference",
    ...(profiling === null ? {} : { profile: profiling.budget }),
    ...(profiling?.dir == null ? {} : { profileDir: profiling.dir }),
  }),
);
