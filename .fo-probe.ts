import { benchFailover } from "./harness/bench/failover-bench.ts";
import { ALL_CONTENDERS } from "./harness/bench/contenders.ts";
const transport = (process.argv[2] ?? "loopback") as "loopback" | "inproc";
const ids = (process.argv[3] ?? "reference,cockatiel").split(",");
const r = await benchFailover(transport, ALL_CONTENDERS.filter((c) => ids.includes(c.id)),
  { timeMs: 1500, iterations: 300, warmupMs: 300, warmupIterations: 100, passes: 3 }, () => {});
for (const b of r.baselines) console.log(b.case, "limit", b.limit.p50.toFixed(3), "bareFail", b.bareFail.p50.toFixed(3), "bareOk", b.bareOk.p50.toFixed(3), "engineCallerOk", b.engineCallerOk.p50.toFixed(3));
for (const row of r.rows) console.log(row.case, row.contender, row.latency?.p50.toFixed(3), row.ratio?.toFixed(3));
