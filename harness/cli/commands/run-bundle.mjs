/* global process, URL */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  contentKey,
  publishFolder,
  pruneStale,
  readManifest,
  writableCacheDir,
  writeManifest,
} from "./check-bundle.mjs";

// `run` through tsx spent about 1.2 s of CPU before its first scenario: tsx's loader thread transforms and
// resolves each of the ~800 modules `run` loads in the judge's thread (the runner, the oracle, the report,
// and the fleet and src/ that in-process runs share). On one core that was an eighth of the whole shipped
// library's time. So `run`'s module graph is bundled once with esbuild, like `check`'s (check-bundle.mjs),
// and cached by the content of every input. Unlike `check`'s, it keeps the command modules `main` imports
// on demand (split into chunks, so `run` loads only its own), and every module keeps its own
// `import.meta.url`, as under tsx: `run` finds the worker entry, the shipped scenarios and the reference
// engine relative to its modules. esbuild stays a real
// import: it cannot be bundled, and the isolate's bundle loads it to build itself.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENTRY = { main: "harness/cli/main.ts" };
/** Part of the key, with the package's folder: module URLs are written into the bundle. */
const FORMAT_VERSION = `run-2\0${ROOT}`;
const require = createRequire(join(ROOT, "package.json"));

function esbuildVersion() {
  return JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
}

function bundleFile(dir, key) {
  const file = join(dir, key, "main.mjs");
  return existsSync(file) ? file : null;
}

function cached(dir, version) {
  const manifest = readManifest(dir);
  if (manifest === null) return null;
  const key = contentKey(FORMAT_VERSION, ROOT, manifest.inputs, version);
  return key === manifest.key ? bundleFile(dir, key) : null;
}

const MODULE_URL = "__fhModuleUrl";

/**
 * Each module reads its own file's URL as `import.meta.url`, as under tsx: esbuild's `define` swaps the
 * expression (in code only, never inside a string) for a variable declared at the top of each module that
 * reads it. Without this every module would get its chunk's URL.
 */
const ownModuleUrls = {
  name: "own-module-urls",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta")) return undefined;
      const declared = `var ${MODULE_URL} = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      // A hashbang must stay the first line.
      const contents = source.startsWith("#!")
        ? source.replace(/^#!.*\n?/, (line) => `${line}${declared}\n`)
        : `${declared}\n${source}`;
      return { contents, loader: /\.[cm]?ts$/.test(args.path) ? "ts" : "js" };
    });
  },
};
/** esbuild as an import of its own installed file: it cannot be bundled. */
const esbuildOutside = {
  name: "esbuild-outside",
  setup(b) {
    b.onResolve({ filter: /^esbuild$/ }, () => ({
      path: pathToFileURL(require.resolve("esbuild")).href,
      external: true,
    }));
  },
};

async function build(dir, version) {
  const esbuild = await import("esbuild");
  const scratch = join(dir, `tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // As under tsx: function and class names stay what the source says.
    keepNames: true,
    // ESM builds first: jsonc-parser's UMD build requires its own files at run time, which a bundle lacks.
    mainFields: ["module", "main"],
    outdir: scratch,
    outExtension: { ".js": ".mjs" },
    banner: {
      js: 'import { createRequire as __fhCreateRequire } from "node:module"; const require = __fhCreateRequire(import.meta.url);',
    },
    define: { "import.meta.url": MODULE_URL },
    plugins: [ownModuleUrls, esbuildOutside],
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const key = contentKey(FORMAT_VERSION, ROOT, inputs, version);
  if (key === null) throw new Error("an input changed while it was bundled");
  publishFolder(scratch, join(dir, key));
  writeManifest(dir, key, inputs);
  const file = bundleFile(dir, key);
  if (file === null) throw new Error("the bundle vanished after it was built");
  return file;
}

/**
 * The CLI's `main` from `run`'s bundle (built on first use, rebuilt when a source changed), or null when
 * bundling is off (`FH_CLI_BUNDLE=0`) or fails: the caller then runs the CLI through tsx, slower but the same.
 */
export async function bundledRunMain() {
  if (process.env["FH_CLI_BUNDLE"] === "0") return null;
  try {
    const dir = writableCacheDir("fallback-harness-run");
    const version = esbuildVersion();
    const file = cached(dir, version) ?? (await build(dir, version));
    const folder = join(file, "..");
    const now = Date.now();
    // In use: another run's prune leaves it alone.
    utimesSync(folder, now / 1000, now / 1000);
    pruneStale(dir, folder.split("/").at(-1) ?? "", now);
    const module = await import(pathToFileURL(file).href);
    return module.main;
  } catch {
    return null;
  }
}
