/* global process, URL */
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// `check` is a log reader: through tsx its start-up cost about 1 s of CPU (tsx's loader thread transforms
// and resolves each module of the CLI), as long as checking 200,000 lines. The CLI's static module graph
// (what `check` runs; other commands are loaded by dynamic import, left out here) is bundled once with
// esbuild into one ES module that loads in about 0.15 s, and cached by the content of every input, like the
// isolate's bundle (harness/sandbox/isolate-bundle.ts). This file is plain JavaScript because it runs before
// tsx is registered. The bundle runs the very same main(): same arguments, output and exit codes.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENTRY = "harness/cli/main.ts";
/** Part of the key: a change here must not reuse an old bundle. */
const FORMAT_VERSION = "1";

/**
 * The content key of a bundle: its format, the builder's version and every input's bytes, in order; null if
 * an input is gone. Shared with the isolate's bundle (harness/sandbox/isolate-bundle.ts).
 */
export function contentKey(formatVersion, root, inputs, builderVersion) {
  const hash = createHash("sha256").update(`${formatVersion}\0${builderVersion}\0`);
  for (const input of inputs) {
    let bytes;
    try {
      bytes = readFileSync(resolve(root, input));
    } catch {
      return null;
    }
    hash.update(`${input}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest("hex").slice(0, 32);
}

/** This bundle's content key (see contentKey). */
export const bundleKey = (root, inputs, builderVersion) =>
  contentKey(FORMAT_VERSION, root, inputs, builderVersion);

/**
 * `name` under node_modules/.cache of the package when writable (bare requires in a bundle resolve from
 * there), else under the temp directory. Shared with the isolate's bundle (harness/sandbox/isolate-bundle.ts).
 */
export function writableCacheDir(name) {
  for (const dir of [join(ROOT, "node_modules", ".cache", name), join(tmpdir(), name)]) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // Read-only install: try the next place.
    }
  }
  throw new Error("no writable cache directory");
}

/**
 * Another key's bundle is deleted once unused this long (each use touches it): a run still going on an older
 * bundle, after a source edit started another run on a new one, keeps its files.
 */
const STALE_AFTER_MS = 10 * 60_000;

/** The manifest a cache folder holds, `{ key, inputs }`, or null when there is none to read. */
export function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  } catch {
    return null;
  }
}

/** Points a cache folder's manifest at `key`: written aside, then renamed over, so no reader sees half. */
export function writeManifest(dir, key, inputs) {
  const manifest = join(dir, `manifest.json.${process.pid}`);
  writeFileSync(manifest, JSON.stringify({ key, inputs }));
  renameSync(manifest, join(dir, "manifest.json"));
}

/** Moves a bundle folder built in `scratch` to `target`; when another run put the same there first, keeps theirs. */
export function publishFolder(scratch, target) {
  try {
    renameSync(scratch, target);
  } catch {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Deletes the entries of a cache folder of bundle folders (run's, the isolate's) other than `keep` that
 * were not used for ten minutes, abandoned scratch folders included.
 */
export function pruneStale(dir, keep, nowMs) {
  for (const name of readdirSync(dir)) {
    if (name === keep || name.startsWith("manifest.json")) continue;
    const path = join(dir, name);
    try {
      if (nowMs - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already, or another run is deleting it.
    }
  }
}

/** esbuild's version, read from its package.json: importing esbuild itself costs start-up time. */
function esbuildVersion() {
  const require = createRequire(join(ROOT, "package.json"));
  return JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
}

function cached(dir, version) {
  const manifest = readManifest(dir);
  if (manifest === null) return null;
  const key = bundleKey(ROOT, manifest.inputs, version);
  const file = join(dir, `${key}.mjs`);
  return key === manifest.key && existsSync(file) ? file : null;
}

async function build(dir, version) {
  const esbuild = await import("esbuild");
  const scratch = join(dir, `tmp-${process.pid}-${randomBytes(4).toString("hex")}.mjs`);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // ESM builds first: jsonc-parser's UMD build requires its own files at run time, which a bundle lacks.
    mainFields: ["module", "main"],
    outfile: scratch,
    banner: {
      js: 'import { createRequire as __fhCreateRequire } from "node:module"; const require = __fhCreateRequire(import.meta.url);',
    },
    plugins: [
      {
        // Commands other than `check` are imported when run; they stay out (the bundle only ever runs `check`).
        name: "leave-dynamic-imports",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            args.kind === "dynamic-import"
              ? { path: pathToFileURL(resolve(args.resolveDir, args.path)).href, external: true }
              : undefined,
          );
        },
      },
    ],
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const key = bundleKey(ROOT, inputs, version);
  if (key === null) throw new Error("an input changed while it was bundled");
  const file = join(dir, `${key}.mjs`);
  renameSync(scratch, file);
  writeManifest(dir, key, inputs);
  // Bundles of older sources are never used again: one file per source change would pile up.
  for (const name of readdirSync(dir))
    if (/^[0-9a-f]{32}\.mjs$/.test(name) && name !== `${key}.mjs`) rmSync(join(dir, name), { force: true });
  return file;
}

/**
 * The CLI's `main` from the bundle (built on first use, rebuilt when a source changed), or null when
 * bundling is off (`FH_CLI_BUNDLE=0`) or fails: the caller then runs the CLI through tsx, slower but the same.
 */
export async function bundledMain() {
  if (process.env["FH_CLI_BUNDLE"] === "0") return null;
  try {
    const dir = writableCacheDir("fallback-harness-cli");
    const version = esbuildVersion();
    const file = cached(dir, version) ?? (await build(dir, version));
    const module = await import(pathToFileURL(file).href);
    return module.main;
  } catch {
    return null;
  }
}
