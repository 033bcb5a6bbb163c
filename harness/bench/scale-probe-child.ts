import { probeScaleMemory } from "./scale-probe.ts";

// Entry of the process `forkScaleProbe` starts: one probe, its result sent to the parent.
const requests = Number(process.argv[2]);
if (!Number.isInteger(requests) || requests < 1) {
  console.error(`scale probe: expected a request count, got ${JSON.stringify(process.argv[2])}.`);
  process.exit(2);
}
const result = await probeScaleMemory(requests);
process.send?.(result);
