import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { AbortRace, untilAborted } from "./until-aborted.ts";

/** A promise that never settles: a read of a body the transport left open. */
const stalled = (): Promise<never> => new Promise<never>(() => undefined);

const listeners = (signal: AbortSignal): number => getEventListeners(signal, "abort").length;

/** Both ways of racing a wait with a signal, driven the same way. */
const racers = [
  ["untilAborted", (signal: AbortSignal) => ({ wait: <T>(p: PromiseLike<T>) => untilAborted(p, signal) })],
  ["AbortRace", (signal: AbortSignal) => new AbortRace(signal)],
] as const;

describe.each(racers)("%s", (_name, race) => {
  it("settles like the promise it waits on", async () => {
    const waits = race(new AbortController().signal);
    await expect(waits.wait(Promise.resolve("part"))).resolves.toBe("part");
    const error = new Error("reset");
    await expect(waits.wait(Promise.reject(error))).rejects.toBe(error);
  });

  it("rejects a wait the transport never settles with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const pending = race(controller.signal).wait(stalled());
    const reason = new Error("watchdog");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("lets an abort win over a value that is ready but not yet delivered", async () => {
    const controller = new AbortController();
    const pending = race(controller.signal).wait(Promise.resolve("ready"));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects at once once aborted, and keeps the late rejection it waited on from going unhandled", async () => {
    const controller = new AbortController();
    controller.abort(new Error("caller"));
    let rejectLate: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => {
      rejectLate = reject;
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      await expect(race(controller.signal).wait(late)).rejects.toThrow("caller");
      rejectLate(new Error("late"));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("AbortRace", () => {
  it("listens with one listener for all its waits, and with none once closed", async () => {
    const { signal } = new AbortController();
    const calls = new AbortRace(signal);
    expect(listeners(signal)).toBe(1);
    for (let i = 0; i < 5; i++) await calls.wait(Promise.resolve(i));
    expect(listeners(signal)).toBe(1);
    calls.close();
    expect(listeners(signal)).toBe(0);
  });

  it("leaves a wait that already settled alone when the signal aborts after it", async () => {
    const controller = new AbortController();
    const calls = new AbortRace(controller.signal);
    await expect(calls.wait(Promise.resolve("first"))).resolves.toBe("first");
    controller.abort();
    await expect(calls.wait(Promise.resolve("second"))).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("untilAborted", () => {
  it("listens only while it waits", async () => {
    const { signal } = new AbortController();
    let resolve: (value: string) => void = () => undefined;
    const pending = untilAborted(
      new Promise<string>((r) => {
        resolve = r;
      }),
      signal,
    );
    expect(listeners(signal)).toBe(1);
    resolve("part");
    await pending;
    expect(listeners(signal)).toBe(0);
  });
});
