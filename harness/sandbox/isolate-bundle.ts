import { randomBytes } from "node:crypto";
import { existsSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions } from "esbuild";
import {
  contentKey,
  publishFolder,
  pruneStale,
  readManifest,
  writableCacheDir,
  writeManifest,
} from "../cli/commands/check-bundle.mjs";
import { compileUserEngine } from "./engine-compile.ts";
import type { BundledEngine } from "./protocol.ts";

// Starting an isolate through tsx costs about 3 s of CPU: tsx's loader thread transforms and resolves each of
// the ~600 modules of the isolate's graph (the harness, src/, msw, zod, the AI SDK). The same graph as one
// pre-built ES module set loads in about 0.35 s. So the isolate and the reference engine are bundled once
// with esbuild and cached by the content hash of every input; a changed source file means a new bundle.
// Every engine runs in the bundled isolate; only the reference engine is bundled too. It is built apart from
// the isolate as one script with all of src/ inlined and the npm packages left as requires: a warm isolate
// (supervise-isolate.ts) evaluates it afresh for every scenario, so no engine module state outlives a
// scenario, while the packages (the AI SDK, zod: stateless libraries) load once per worker. A script, not an
// ES module: a module imported under a new URL is parsed and compiled again each time (6–10 ms for its
// 120 KB, and every function it runs compiled again lazily), where one compiled script is run again for a
// fresh evaluation that shares its bytecode (about 1.3 ms).
// A user's engine runs in a fresh isolate per scenario, compiled for the run into one script of its own
// (engine-compile.ts) or, when it cannot be, imported through tsx, registered once the bundle's modules have
// loaded (worker-entry.mjs leaves the registration, scenario-isolate.ts runs it), so only the engine's own
// module graph goes through tsx's hooks. It never shares a module instance with the isolate: everything the
// isolate hands an engine is in `ctx`, and the process engines reach the isolate through a global
// (harness/engines/process/isolate-hooks.ts).

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The reference engine's module, as engine-source.ts names it. */
const REFERENCE_MODULE = new URL("../../src/node/reference-eut.ts", import.meta.url).href;
const ISOLATE_ENTRY = { "scenario-isolate": "harness/sandbox/scenario-isolate.ts" } as const;
const ENGINE_ENTRY = { "reference-eut": "src/node/reference-eut.ts" } as const;
/** Part of the key: a change here must not reuse an old bundle. */
const FORMAT_VERSION = "3";
/**
 * A built bundle: the isolate to run (a file URL), and the engine it runs instead of importing the engine's
 * module (scenario-isolate.ts), or null for a user's engine the isolate imports through tsx.
 */
export interface IsolateBundle {
  readonly isolate: string;
  readonly engine: BundledEngine | null;
}

/** The content key of a bundle: the builder's version and every input's bytes, in order. */
export const bundleKey = (root: string, inputs: readonly string[], builderVersion: string): string | null =>
  contentKey(FORMAT_VERSION, root, inputs, builderVersion);

function bundleAt(dir: string, key: string): IsolateBundle | null {
  const isolate = join(dir, key, "scenario-isolate.mjs");
  const engine = join(dir, key, "reference-eut.cjs");
  if (!existsSync(isolate) || !existsSync(engine)) return null;
  return {
    isolate: pathToFileURL(isolate).href,
    engine: { kind: "reference", script: pathToFileURL(engine).href },
  };
}

function cached(dir: string, builderVersion: string): IsolateBundle | null {
  const manifest = readManifest(dir);
  if (manifest === null) return null;
  const key = bundleKey(ROOT, manifest.inputs, builderVersion);
  return key === manifest.key ? bundleAt(dir, key) : null;
}

async function build(dir: string): Promise<IsolateBundle> {
  const esbuild = await import("esbuild");
  const scratch = join(dir, `tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const common: BuildOptions & { metafile: true } = {
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // ESM builds first: jsonc-parser's UMD build requires its own files at run time, which a bundle lacks.
    mainFields: ["module", "main"],
    outdir: scratch,
    outExtension: { ".js": ".mjs" },
    // CommonJS dependencies call require(); in an ES module it has to be made.
    banner: {
      js: 'import { createRequire as __fhCreateRequire } from "node:module"; const require = __fhCreateRequire(import.meta.url);',
    },
    metafile: true,
    logLevel: "silent",
  };
  const isolate = await esbuild.build({ ...common, entryPoints: ISOLATE_ENTRY, splitting: true });
  // Packages stay requires: the isolate resolves them from the engine's source folder, as tsx would.
  const engine = await esbuild.build({
    ...common,
    entryPoints: ENGINE_ENTRY,
    packages: "external",
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    // A script gets `require` from whoever runs it; the banner is for ES modules.
    banner: {},
    // src/ reads its own URL once (the AI SDK's version, generate-call.ts): the source file's, as under tsx.
    define: { "import.meta.url": JSON.stringify(REFERENCE_MODULE) },
  });
  const inputs = [
    ...new Set([...Object.keys(isolate.metafile.inputs), ...Object.keys(engine.metafile.inputs)]),
  ].sort();
  const key = bundleKey(ROOT, inputs, esbuild.version);
  if (key === null) throw new Error("an input changed while it was bundled");
  publishFolder(scratch, join(dir, key));
  writeManifest(dir, key, inputs);
  const bundle = bundleAt(dir, key);
  if (bundle === null) throw new Error("the bundle vanished after it was built");
  return bundle;
}

/** Marks the bundle in use (its folder's mtime), at most once a minute. */
function touch(bundle: IsolateBundle, nowMs: number): void {
  if (nowMs - lastTouchMs < 60_000) return;
  lastTouchMs = nowMs;
  const folder = fileURLToPath(new URL(".", bundle.isolate));
  try {
    utimesSync(folder, nowMs / 1000, nowMs / 1000);
  } catch {
    // Read-only cache: nothing prunes it either.
  }
}

let lastTouchMs = -Infinity;
let pending: Promise<IsolateBundle | null> | undefined;

/**
 * The bundled isolate for `engineModule`, with the reference engine's pre-built script or a user's engine
 * compiled for the run (null when it cannot be: engine-compile.ts), or null: bundling is off
 * (`FH_ISOLATE_BUNDLE=0`), or it failed (then the tsx path runs, slower but the same).
 */
export function isolateBundleFor(engineModule: string): Promise<IsolateBundle | null> {
  if (process.env["FH_ISOLATE_BUNDLE"] === "0") return Promise.resolve(null);
  pending ??= (async () => {
    try {
      const dir = writableCacheDir("fallback-harness-isolate");
      const { version } = (await import("esbuild")) as { version: string };
      const bundle = cached(dir, version) ?? (await build(dir));
      pruneStale(dir, fileURLToPath(new URL(".", bundle.isolate)).split("/").at(-2) ?? "", Date.now());
      return bundle;
    } catch {
      return null;
    }
  })();
  return pending.then(async (bundle) => {
    if (bundle !== null) touch(bundle, Date.now());
    if (bundle === null || engineModule === REFERENCE_MODULE) return bundle;
    return { isolate: bundle.isolate, engine: await compileUserEngine(engineModule) };
  });
}
