import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { unwatchAbort, watchAbort, type AbortWatcher } from "./abort-fanout.ts";

/** A watcher that records when it was told, in a shared log. */
function watcher(name: string, log: string[]): AbortWatcher {
  return {
    callerAborted() {
      log.push(name);
    },
  };
}

describe("watchAbort", () => {
  it("puts one listener on a signal however many watchers join, and tells them in the order they joined", () => {
    const controller = new AbortController();
    const log: string[] = [];
    const watchers = Array.from({ length: 1000 }, (_, i) => watcher(`w${i}`, log));
    for (const w of watchers) watchAbort(controller.signal, w);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(log).toEqual(watchers.map((_, i) => `w${i}`));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("does not tell a watcher that left, and removes the listener when the last one leaves", () => {
    const controller = new AbortController();
    const log: string[] = [];
    const [a, b, c] = [watcher("a", log), watcher("b", log), watcher("c", log)];
    watchAbort(controller.signal, a);
    watchAbort(controller.signal, b);
    watchAbort(controller.signal, c);
    unwatchAbort(controller.signal, b);
    unwatchAbort(controller.signal, b);
    controller.abort();
    expect(log).toEqual(["a", "c"]);

    const again = new AbortController();
    watchAbort(again.signal, a);
    unwatchAbort(again.signal, a);
    expect(getEventListeners(again.signal, "abort")).toHaveLength(0);
    watchAbort(again.signal, c);
    expect(getEventListeners(again.signal, "abort")).toHaveLength(1);
    again.abort();
    expect(log).toEqual(["a", "c", "c"]);
  });

  it("tells each watcher once, and drops it before telling it (a watcher leaving then is harmless)", () => {
    const controller = new AbortController();
    const log: string[] = [];
    const selfRemoving: AbortWatcher = {
      callerAborted() {
        log.push("self");
        unwatchAbort(controller.signal, selfRemoving);
      },
    };
    const other = watcher("other", log);
    // The first one told takes the second one off: it must not be told.
    const remover: AbortWatcher = {
      callerAborted() {
        log.push("remover");
        unwatchAbort(controller.signal, other);
      },
    };
    watchAbort(controller.signal, selfRemoving);
    watchAbort(controller.signal, remover);
    watchAbort(controller.signal, other);
    controller.abort();
    expect(log).toEqual(["self", "remover"]);
  });

  it("goes on telling the others when one throws, and reports the error as uncaught", async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const failure = new Error("watcher failed");
    const reported = vi.fn();
    const thrower: AbortWatcher = {
      callerAborted() {
        throw failure;
      },
    };
    watchAbort(controller.signal, thrower);
    watchAbort(controller.signal, watcher("after", log));
    const listeners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", reported);
    try {
      controller.abort();
      expect(log).toEqual(["after"]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(reported).toHaveBeenCalledWith(failure, "uncaughtException");
    } finally {
      process.removeAllListeners("uncaughtException");
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
  });
});
