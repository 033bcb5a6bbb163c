import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { compileUserEngine } from "./engine-compile.ts";
import { probeEngine } from "./supervise-isolate.ts";

const root = mkdtempSync(join(tmpdir(), "fh-engine-compile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const before = process.env["FH_ENGINE_BUNDLE"];
afterEach(() => {
  if (before === undefined) delete process.env["FH_ENGINE_BUNDLE"];
  else process.env["FH_ENGINE_BUNDLE"] = before;
});

/** Writes `files` (path → text) under a new folder; the file URL of its `engine` file. */
function project(name: string, files: Readonly<Record<string, string>>, engine = "engine.ts"): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return pathToFileURL(join(dir, engine)).href;
}

/** An engine whose name is `name`, an expression of the module's own scope. */
const engineNamed = (name: string, imports = ""): string =>
  `${imports}\nexport default { name: ${name}, create() { return { request() { throw new Error("unused"); }, close() {} }; } };\n`;

/** The engine's name as the bundled isolate loads it, compiled or (with FH_ENGINE_BUNDLE=0) through tsx. */
async function loadedName(url: string, compiled: boolean): Promise<string> {
  process.env["FH_ENGINE_BUNDLE"] = compiled ? "1" : "0";
  const probed = await probeEngine(url);
  if (!probed.ok) throw new Error(probed.message);
  return probed.name;
}

/** A package in `node_modules` whose only export says which copy it is. */
const fakePackage = (copy: string): Record<string, string> => ({
  "package.json": JSON.stringify({ name: "fake-pkg", version: "1.0.0", main: "index.js" }),
  "index.js": `module.exports = { copy: ${JSON.stringify(copy)}, marker: "FAKE_PACKAGE_BODY" };\n`,
});

const inFolder = (folder: string, files: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [join(folder, path), text]));

describe("a user's engine compiled for the bundled isolate", () => {
  it("gives every file its own location, as tsx does", async () => {
    const url = project("location", {
      "engine.ts": engineNamed(
        "JSON.stringify([import.meta.url.split('/').at(-1), where])",
        'import { where } from "./lib/where.ts";',
      ),
      "lib/where.ts":
        "export const where: string[] = [import.meta.url.split('/').slice(-2).join('/'), import.meta.dirname.split('/').at(-1) ?? '', import.meta.filename.split('/').at(-1) ?? ''];\n",
    });
    expect((await compileUserEngine(url))?.kind).toBe("compiled");
    const expected = JSON.stringify(["engine.ts", ["lib/where.ts", "lib", "where.ts"]]);
    expect(await loadedName(url, true)).toBe(expected);
    expect(await loadedName(url, false)).toBe(expected);
  }, 60_000);

  it("requires its packages from the engine's own file, not from the script", async () => {
    const url = project("packages", {
      "engine.ts": engineNamed("fake.copy", 'import fake from "fake-pkg";'),
      ...inFolder("node_modules/fake-pkg", fakePackage("top")),
    });
    const engine = await compileUserEngine(url);
    expect(engine?.kind).toBe("compiled");
    if (engine?.kind !== "compiled") return;
    expect(engine.code).toContain('require("fake-pkg")');
    expect(engine.code).not.toContain("FAKE_PACKAGE_BODY");
    expect(await loadedName(url, true)).toBe("top");
  }, 60_000);

  it("compiles a package that resolves to TypeScript (a workspace's, or this harness's own sources)", async () => {
    const url = project("typescript-package", {
      "engine.ts": engineNamed("label", 'import { label } from "ts-pkg";'),
      "node_modules/ts-pkg/package.json": JSON.stringify({ name: "ts-pkg", exports: "./index.ts" }),
      "node_modules/ts-pkg/index.ts": 'export const label: string = "TS_PACKAGE_BODY";\n',
    });
    const engine = await compileUserEngine(url);
    expect(engine?.kind === "compiled" && engine.code.includes("TS_PACKAGE_BODY")).toBe(true);
    expect(await loadedName(url, true)).toBe("TS_PACKAGE_BODY");
  }, 60_000);

  it("takes a CommonJS engine's module.exports as its default", async () => {
    const url = project(
      "commonjs",
      {
        "engine.cjs":
          'module.exports = { name: "cjs-" + require("node:path").basename(__filename), create() {} };\n',
      },
      "engine.cjs",
    );
    expect((await compileUserEngine(url))?.kind).toBe("compiled");
    expect(await loadedName(url, true)).toBe("cjs-engine.cjs");
    expect(await loadedName(url, false)).toBe("cjs-engine.cjs");
  }, 60_000);

  it("runs strict where Node runs the engine's module strict (an ES module), and only there", async () => {
    const mode = "(function () { return this === undefined ? 'strict' : 'sloppy'; })()";
    const esm = project("strict", { "package.json": '{ "type": "module" }', "engine.ts": engineNamed(mode) });
    const commonJs = project(
      "sloppy",
      { "engine.cjs": `module.exports = { name: ${mode}, create() {} };\n` },
      "engine.cjs",
    );
    expect(await loadedName(esm, true)).toBe("strict");
    expect(await loadedName(esm, false)).toBe("strict");
    expect(await loadedName(commonJs, true)).toBe("sloppy");
    expect(await loadedName(commonJs, false)).toBe("sloppy");
  }, 60_000);

  it("compiles again when one of its files changes", async () => {
    const files = {
      "engine.ts": engineNamed("version", 'import { version } from "./version.ts";'),
      "version.ts": 'export const version = "first";\n',
    };
    const url = project("changes", files);
    const first = await compileUserEngine(url);
    expect(await compileUserEngine(url)).toBe(first);
    project("changes", { "version.ts": 'export const version = "second, longer";\n' });
    const second = await compileUserEngine(url);
    expect(second).not.toBe(first);
    expect(second?.kind === "compiled" && second.code.includes("second, longer")).toBe(true);
    expect(await loadedName(url, true)).toBe("second, longer");
  }, 60_000);

  it("is left to tsx when a script could not do what the module does", async () => {
    const cases = {
      "top-level-await": engineNamed("await Promise.resolve('tla')"),
      "import-meta-resolve": engineNamed("import.meta.resolve('./engine.ts').split('/').at(-1)"),
      "dynamic-import": engineNamed("typeof (() => import('fake-pkg'))"),
    };
    for (const [name, source] of Object.entries(cases)) {
      const url = project(name, {
        // An ES module, where each of these is the module's to use.
        "package.json": '{ "type": "module" }',
        "engine.ts": source,
        ...inFolder("node_modules/fake-pkg", fakePackage(name)),
      });
      expect(await compileUserEngine(url), name).toBeNull();
      expect((await probeEngine(url)).ok, name).toBe(true);
    }
  }, 120_000);

  it("is left to tsx when a package cannot be required: it exports only to import, or it is missing", async () => {
    const importOnly = project("import-only", {
      "package.json": '{ "type": "module" }',
      "engine.ts": engineNamed("copy", 'import { copy } from "esm-only";'),
      "node_modules/esm-only/package.json": JSON.stringify({
        name: "esm-only",
        type: "module",
        exports: { import: "./index.js" },
      }),
      "node_modules/esm-only/index.js": 'export const copy = "esm-only";\n',
    });
    expect(await compileUserEngine(importOnly)).toBeNull();
    expect(await loadedName(importOnly, true)).toBe("esm-only");
    const missing = project("missing", {
      "engine.ts": engineNamed("String(x)", 'import x from "not-installed";'),
    });
    expect(await compileUserEngine(missing)).toBeNull();
    const probed = await probeEngine(missing);
    expect(probed.ok ? "" : probed.message).toContain("not-installed");
  }, 60_000);

  it("is left to tsx when a file's package would resolve to another copy from the engine's file", async () => {
    const url = project("copies", {
      "engine.ts": engineNamed("copy", 'import { copy } from "./sub/helper.ts";'),
      "sub/helper.ts": 'import fake from "fake-pkg";\nexport const copy: string = fake.copy;\n',
      ...inFolder("node_modules/fake-pkg", fakePackage("top")),
      ...inFolder("sub/node_modules/fake-pkg", fakePackage("nested")),
    });
    expect(await compileUserEngine(url)).toBeNull();
    expect(await loadedName(url, true)).toBe("nested");
  }, 60_000);

  it("is off with FH_ENGINE_BUNDLE=0", async () => {
    const url = project("off", { "engine.ts": engineNamed('"off"') });
    process.env["FH_ENGINE_BUNDLE"] = "0";
    expect(await compileUserEngine(url)).toBeNull();
    delete process.env["FH_ENGINE_BUNDLE"];
    expect((await compileUserEngine(url))?.kind).toBe("compiled");
  });
});
