import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// Through Node itself, in a child process: vitest's own module runner unwraps CommonJS defaults on import,
// which would hide exactly what importEngine is for (the bundled isolate's import is Node's).

const IMPORT_ENGINE = new URL("./import-engine.mjs", import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), "fh-import-engine-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The default export importEngine gives for a CommonJS module of `source`, read by Node. */
function defaultOf(name: string, source: string): unknown {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, source);
  const script = `const { importEngine } = await import(${JSON.stringify(IMPORT_ENGINE)});
const module = await importEngine(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify(module.default));`;
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }),
  );
}

describe("importEngine, under Node's own loader", () => {
  it("unwraps the default export of CommonJS compiled from `export default`", () => {
    const source =
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = { name: "compiled" };\n';
    expect(defaultOf("compiled", source)).toEqual({ name: "compiled" });
  });

  it("hands over module.exports itself when it is the engine", () => {
    const source = 'module.exports = { name: "plain", create: 1 };\n';
    expect(defaultOf("plain", source)).toEqual({ name: "plain", create: 1 });
  });

  it("leaves exports whose __esModule is not true as they are", () => {
    const source = 'module.exports = { __esModule: "no", default: { name: "inner" } };\n';
    expect(defaultOf("flagged", source)).toEqual({ __esModule: "no", default: { name: "inner" } });
  });
});
