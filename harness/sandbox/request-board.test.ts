import { describe, expect, it } from "vitest";
import { newBoardMemory, plannedRequests, RequestBoardWriter, requestsInFlight } from "./request-board.ts";

describe("request board", () => {
  it("shows the requests marked in flight and not those that ended, in index order", () => {
    const memory = newBoardMemory(100);
    const board = new RequestBoardWriter(memory);
    for (const index of [64, 3, 31, 32, 99]) board.mark(index, true);
    board.mark(32, false);
    expect(requestsInFlight(memory)).toEqual([3, 31, 64, 99]);
  });

  it("is read by another thread's view of the same memory", async () => {
    const memory = newBoardMemory(40);
    const { Worker } = await import("node:worker_threads");
    const worker = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const bits = new Int32Array(workerData);
       Atomics.or(bits, 1, 1 << 7);
       parentPort.postMessage("marked");`,
      { eval: true, workerData: memory },
    );
    await new Promise((resolve) => worker.once("message", resolve));
    await worker.terminate();
    expect(requestsInFlight(memory)).toEqual([39]);
  });

  it("ignores an index past its size and sizes itself from the traffic plan", () => {
    const memory = newBoardMemory(plannedRequests([{ count: 2 }, { count: 3 }]));
    const board = new RequestBoardWriter(memory);
    board.mark(4, true);
    board.mark(1_000, true);
    expect(requestsInFlight(memory)).toEqual([4]);
    expect(plannedRequests([{ count: 2 }, { count: 3 }])).toBe(5);
    expect(requestsInFlight(newBoardMemory(0))).toEqual([]);
  });
});
