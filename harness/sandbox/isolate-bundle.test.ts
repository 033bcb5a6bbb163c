import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pruneStale } from "../cli/commands/check-bundle.mjs";
import { bundleKey } from "./isolate-bundle.ts";

describe("the isolate bundle's content key", () => {
  const root = mkdtempSync(join(tmpdir(), "fh-bundle-key-"));
  writeFileSync(join(root, "a.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "b.ts"), "export const b = 2;\n");

  it("is stable for the same bytes and builder, and changes with any input byte, the list or the builder", () => {
    const key = bundleKey(root, ["a.ts", "b.ts"], "0.28.2");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(bundleKey(root, ["a.ts", "b.ts"], "0.28.2")).toBe(key);
    expect(bundleKey(root, ["a.ts", "b.ts"], "0.28.3")).not.toBe(key);
    expect(bundleKey(root, ["a.ts"], "0.28.2")).not.toBe(key);
    writeFileSync(join(root, "b.ts"), "export const b = 3;\n");
    expect(bundleKey(root, ["a.ts", "b.ts"], "0.28.2")).not.toBe(key);
  });

  it("is null when an input is gone, so a stale manifest never names a bundle", () => {
    expect(bundleKey(root, ["a.ts", "gone.ts"], "0.28.2")).toBeNull();
  });
});

describe("pruning the bundle cache", () => {
  it("deletes other keys' bundles unused for 10 minutes, and keeps the current one and recent ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "fh-bundle-cache-"));
    const now = Date.now();
    const folder = (name: string, ageMs: number): void => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "scenario-isolate.mjs"), "");
      utimesSync(join(dir, name), (now - ageMs) / 1000, (now - ageMs) / 1000);
    };
    folder("current", 3_600_000);
    folder("old", 3_600_000);
    folder("tmp-1-abandoned", 3_600_000);
    folder("in-use-elsewhere", 60_000);
    writeFileSync(join(dir, "manifest.json"), "{}");
    pruneStale(dir, "current", now);
    expect(existsSync(join(dir, "current"))).toBe(true);
    expect(existsSync(join(dir, "old"))).toBe(false);
    expect(existsSync(join(dir, "tmp-1-abandoned"))).toBe(false);
    expect(existsSync(join(dir, "in-use-elsewhere"))).toBe(true);
    expect(existsSync(join(dir, "manifest.json"))).toBe(true);
  });
});
