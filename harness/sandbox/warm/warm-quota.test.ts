import { EventEmitter } from "node:events";
import type { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { WarmIsolates } from "../supervise-isolate.ts";

/** Enough of a Worker for the pool's bookkeeping: listeners and terminate. */
class FakeWorker extends EventEmitter {
  terminated = false;

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(0);
  }
}

let warm: WarmIsolates | undefined;
afterEach(async () => {
  await warm?.close();
});

/** Hands `worker` back after each of `runs` scenarios, taking it again in between as a suite does. */
function serve(pool: WarmIsolates, engine: string, worker: FakeWorker, runs: number, bundled: boolean): void {
  for (let i = 0; i < runs; i++) {
    const taken = pool.take(engine);
    if (i > 0) expect(taken).toBe(worker);
    pool.give(engine, worker as unknown as Worker, bundled);
  }
}

describe("warm isolates' quota of scenarios", () => {
  it("replaces an imported engine's worker after MAX_SCENARIOS, a bundled engine's only after MAX_BUNDLED_SCENARIOS", () => {
    warm = new WarmIsolates({ anyEngine: true });
    const imported = new FakeWorker();
    serve(warm, "user-engine", imported, WarmIsolates.MAX_SCENARIOS, false);
    expect(imported.terminated).toBe(true);
    expect(warm.take("user-engine")).toBeUndefined();

    const bundled = new FakeWorker();
    serve(warm, "reference", bundled, WarmIsolates.MAX_SCENARIOS, true);
    expect(bundled.terminated).toBe(false);
    serve(warm, "reference", bundled, WarmIsolates.MAX_BUNDLED_SCENARIOS - WarmIsolates.MAX_SCENARIOS, true);
    expect(bundled.terminated).toBe(true);
    expect(warm.take("reference")).toBeUndefined();
  });

  it("applies a quota given to the pool to every engine", () => {
    warm = new WarmIsolates({ maxScenarios: 2 });
    const bundled = new FakeWorker();
    serve(warm, "reference", bundled, 2, true);
    expect(bundled.terminated).toBe(true);
  });
});
