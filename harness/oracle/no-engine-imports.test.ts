import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The judge's folders (SPEC §10.1, STYLE "Layers"): an independent model of the SPEC, so nothing from src/. */
const JUDGE_DIRS = ["harness/oracle", "harness/check"];

/** Static, re-export, type-only and dynamic imports whose specifier reaches the engine's `src/` folder. */
const ENGINE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'`]([^"'`]*(?:^|\/)src\/[^"'`]*)["'`]/g;

function sourcesOf(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every `src/` import in `text`, as `line: specifier`. */
function engineImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(ENGINE_IMPORT)) {
    const line = text.slice(0, match.index).split("\n").length;
    found.push(`${line}: ${match[1] ?? ""}`);
  }
  return found;
}

describe("the judge imports nothing from the engine", () => {
  it("recognises every form of import from src/ (so the guard below can fail)", () => {
    expect(engineImports('import type { X } from "../../src/config/settings.ts";')).toHaveLength(1);
    expect(engineImports("import { y } from '../../src/index.ts'")).toHaveLength(1);
    expect(engineImports('export { z } from "../../src/core/clock.ts";')).toHaveLength(1);
    expect(engineImports('const m = await import("../../src/index.ts");')).toHaveLength(1);
    expect(engineImports('import "../../src/side-effect.ts";')).toHaveLength(1);
    expect(engineImports('import { a } from "./config-types.ts"; // src/ is the engine')).toHaveLength(0);
  });

  for (const dir of JUDGE_DIRS) {
    it(`${dir}/** has no import from src/`, () => {
      // This file holds sample import lines as data; it is the one file the guard does not read.
      const files = sourcesOf(dir).filter((file) => file !== fileURLToPath(import.meta.url));
      expect(files.length).toBeGreaterThan(5);
      const offenders = files.flatMap((file) =>
        engineImports(readFileSync(file, "utf8")).map((hit) => `${relative(root, file)}:${hit}`),
      );
      expect(offenders).toEqual([]);
    });
  }
});
