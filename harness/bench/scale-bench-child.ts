import { benchScale } from "./scale-bench.ts";
import { sendProgress, sendResult } from "./fork-child.ts";

// Entry of the process `forkScaleBench` starts: one scale run, its progress and section sent to the parent.
const requests = Number(process.argv[2]);
const wallCapMs = Number(process.argv[3]);
if (!Number.isInteger(requests) || requests < 1 || !Number.isFinite(wallCapMs) || wallCapMs <= 0) {
  console.error(
    `scale bench: expected a request count and a wall cap in ms, got ${JSON.stringify(process.argv.slice(2))}.`,
  );
  process.exit(2);
}
sendResult(await benchScale(requests, wallCapMs, sendProgress, { probe: process.argv[4] !== "no-probe" }));
