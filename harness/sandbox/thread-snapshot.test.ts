import { afterEach, describe, expect, it } from "vitest";
import { threadChanges, threadSnapshot } from "./thread-snapshot.ts";

const originalAt = Array.prototype.at;
const marker = "__threadSnapshotTestGlobal";

afterEach(() => {
  Array.prototype.at = originalAt;
  delete (globalThis as Record<string, unknown>)[marker];
});

describe("threadChanges", () => {
  it("finds nothing in a thread left as it was", () => {
    const before = threadSnapshot();
    expect(threadChanges(before)).toBeNull();
    expect(threadChanges(before)).toBeNull();
  });

  it("names a patched prototype method, an added global and a new process listener, and nothing once undone", () => {
    const before = threadSnapshot();
    Array.prototype.at = function at(this: unknown[], index: number) {
      return originalAt.call(this, index) as unknown;
    };
    expect(threadChanges(before)).toBe("Array.prototype.at");
    (globalThis as Record<string, unknown>)[marker] = 1;
    expect(threadChanges(before)?.split(", ").sort()).toEqual(["Array.prototype.at", `globalThis.${marker}`]);
    Array.prototype.at = originalAt;
    delete (globalThis as Record<string, unknown>)[marker];
    expect(threadChanges(before)).toBeNull();
    const listener = (): void => undefined;
    process.on("beforeExit", listener);
    try {
      expect(threadChanges(before)?.split(", ")).toContain("process.on(beforeExit)");
    } finally {
      process.off("beforeExit", listener);
    }
    expect(threadChanges(before)).toBeNull();
  });
});
