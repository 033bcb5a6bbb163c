import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** Time from `new Worker` to its exit, for a worker that does nothing: what every isolated scenario pays at least. */
async function bareWorkerStartMs(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker("0", { eval: true });
    worker.once("error", reject);
    worker.once("exit", () => resolve());
  });
  return performance.now() - started;
}

/** The median of `starts` bare worker starts, one after another: the unit of the suite and library benches. */
export async function medianBareWorkerStartMs(starts: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < starts; i++) times.push(await bareWorkerStartMs());
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  return times.length % 2 === 1
    ? (times[mid] as number)
    : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
}

// Run as a script (`node --import tsx worker-start.ts N`), it prints that median: the library bench times
// worker starts in a process pinned to the core its library run is pinned to.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const starts = Number(process.argv[2]);
  if (!Number.isInteger(starts) || starts < 1) {
    console.error(`worker-start: expected a count of starts, got ${JSON.stringify(process.argv[2])}.`);
    process.exit(2);
  }
  process.stdout.write(String(await medianBareWorkerStartMs(starts)));
}
