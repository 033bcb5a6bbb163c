import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { basename, dirname, extname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuildOptions, Loader, Metafile, Plugin } from "esbuild";
import type { BundledEngine } from "./protocol.ts";

// A user's engine loaded through tsx pays for tsx in every scenario's fresh isolate: its registration starts a
// hooks thread (about 90 ms), and every module of the engine's graph, the AI SDK's included, then resolves and
// loads through that thread, with source maps on (about 200 ms more for the example cockatiel engine, whose
// import takes 140 ms without tsx). So the engine's own files are compiled once, here, into one CommonJS
// script that the bundled isolate runs as it runs the reference engine's (scenario-isolate.ts); its packages
// stay `require`s, resolved at run time from the engine's own file, so the packages it loads are the ones
// Node gives it there. Only what this can keep the same is compiled; anything else loads through tsx as
// before (`null` below), and FH_ENGINE_BUNDLE=0 rules compilation out.

const TYPESCRIPT = /\.[cm]?tsx?$/;
/** Where a file's own location is read: each such file is told its own (see `ownLocation`). */
const LOCATION_READ = /import\.meta|__dirname|__filename/;
/** Set on esbuild's own resolution of a package, asked for from inside the plugin, so it does not recurse. */
const PROBE = Symbol("fallback-harness.probe");

const isTypeScript = (path: string): boolean => TYPESCRIPT.test(path) && !/\.d\.[cm]?ts$/.test(path);
const inNodeModules = (path: string): boolean => path.split(sep).includes("node_modules");

/**
 * Packages stay `require`s, except one that resolves to TypeScript (a workspace package, or this harness,
 * whose package exports its sources) or to a file outside `node_modules` (a tsconfig `paths` alias): those
 * need compiling, as tsx compiles them.
 */
const ownSourcesOnly: Plugin = {
  name: "own-sources-only",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === PROBE || isBuiltin(args.path) || isAbsolute(args.path)) return undefined;
      const found = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: PROBE,
      });
      if (found.errors.length > 0 || (inNodeModules(found.path) && !isTypeScript(found.path)))
        return { path: args.path, external: true };
      return { path: found.path };
    });
  },
};

/** The loader of each source file `ownLocation` reads, by extension. */
const LOADERS: Readonly<Record<string, Loader>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
};

/** The text of each compiled file's own location, bound per file so one file's never leaks to another. */
const LOCATION_NAMES = {
  url: "__fh_own_url",
  dirname: "__fh_own_dirname",
  filename: "__fh_own_filename",
} as const;

/**
 * Gives every compiled file that reads its own location (`import.meta.url`, `import.meta.dirname`,
 * `import.meta.filename`, `__dirname`, `__filename`) its source file's, as under tsx, not the script's:
 * declarations put after the file's hashbang and directives, which the `define`s below point at (esbuild
 * binds each to the file's own, renamed where files collide).
 */
const ownLocation: Plugin = {
  name: "own-location",
  setup(build) {
    build.onLoad({ filter: /\.([cm]?[jt]s|[jt]sx)$/ }, async (args) => {
      const loader = LOADERS[extname(args.path)];
      if (loader === undefined) return undefined;
      const text = await readFile(args.path, "utf8");
      if (!LOCATION_READ.test(text)) return { contents: text, loader };
      const own =
        `var ${LOCATION_NAMES.url} = ${JSON.stringify(pathToFileURL(args.path).href)}, ` +
        `${LOCATION_NAMES.dirname} = ${JSON.stringify(dirname(args.path))}, ` +
        `${LOCATION_NAMES.filename} = ${JSON.stringify(args.path)};`;
      const prologue = /^(?:#![^\n]*\n)?(?:\s*(?:"[^"\n]*"|'[^'\n]*')\s*;)*/.exec(text)?.[0] ?? "";
      return { contents: `${prologue}${own}${text.slice(prologue.length)}`, loader };
    });
  },
};

const BUILD: BuildOptions = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  write: false,
  metafile: true,
  logLevel: "silent",
  define: {
    "import.meta.url": LOCATION_NAMES.url,
    "import.meta.dirname": LOCATION_NAMES.dirname,
    "import.meta.filename": LOCATION_NAMES.filename,
    __dirname: LOCATION_NAMES.dirname,
    __filename: LOCATION_NAMES.filename,
  },
  plugins: [ownSourcesOnly, ownLocation],
};

/** The path a require from `from` resolves `specifier` to, or undefined when it finds none. */
function requiredFrom(from: string, specifier: string): string | undefined {
  try {
    return createRequire(from).resolve(specifier);
  } catch {
    return undefined;
  }
}

/**
 * Whether the compiled script could load other packages than the engine does: a dynamic import of a package
 * (a script has no module to import it from), a package a require cannot load from the engine's own file
 * (one that exports only to `import`, or none there: tsx then says why), or one that a require from the
 * engine's own file would resolve elsewhere than one from the file that imports it.
 */
function packagesDiffer(metafile: Metafile, root: string, entry: string): boolean {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const importer = resolve(root, input);
    for (const { path, kind, external } of imports) {
      if (external !== true || isBuiltin(path)) continue;
      if (kind === "dynamic-import") return true;
      const here = requiredFrom(entry, path);
      if (here === undefined || requiredFrom(importer, path) !== here) return true;
    }
  }
  return false;
}

/**
 * Whether Node loads `file` as an ES module, which runs strict: by its extension, else by the `type` of the
 * package.json nearest it (none above a `node_modules` folder), as Node decides.
 */
function isEsModule(file: string): boolean {
  if (/\.m[jt]s$/.test(file)) return true;
  if (/\.c[jt]s$/.test(file)) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest !== undefined)
      return (
        typeof manifest === "object" && manifest !== null && "type" in manifest && manifest.type === "module"
      );
    if (basename(dir) === "node_modules" || dirname(dir) === dir) return false;
  }
}

/** A package.json's JSON, null when it is not JSON, undefined when there is none. */
function readManifest(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The inputs of a build and their sizes and times, to tell when a compiled engine is out of date. */
type Stamps = ReadonlyMap<string, string>;

function stampsOf(paths: Iterable<string>): Stamps {
  const stamps = new Map<string, string>();
  for (const path of paths) {
    try {
      const { size, mtimeMs } = statSync(path);
      stamps.set(path, `${size}:${mtimeMs}`);
    } catch {
      stamps.set(path, "gone");
    }
  }
  return stamps;
}

const fresh = (stamps: Stamps): boolean =>
  [...stampsOf(stamps.keys())].every(([path, stamp]) => stamps.get(path) === stamp);

async function build(entry: string): Promise<{ engine: BundledEngine | null; stamps: Stamps }> {
  const root = dirname(entry);
  let result;
  try {
    const esbuild = await import("esbuild");
    result = await esbuild.build({ ...BUILD, entryPoints: [entry], absWorkingDir: root });
  } catch {
    // A syntax error, a top-level await (no CommonJS has one), a file esbuild has no loader for: tsx decides.
    return { engine: null, stamps: stampsOf([entry]) };
  }
  const { metafile, outputFiles, warnings } = result;
  const stamps = stampsOf(Object.keys(metafile?.inputs ?? {}).map((input) => resolve(root, input)));
  const code = outputFiles?.[0]?.text;
  // A warning is something esbuild could not keep the same (an `import.meta` it cannot give a script, a
  // `require` it cannot follow): the engine loads through tsx, which does not have to guess.
  if (
    code === undefined ||
    metafile === undefined ||
    warnings.length > 0 ||
    packagesDiffer(metafile, root, entry)
  )
    return { engine: null, stamps };
  const filename = `${entry}.fallback-harness.cjs`;
  return { engine: { kind: "compiled", code, filename, strict: isEsModule(entry) }, stamps };
}

const compiled = new Map<string, Promise<{ engine: BundledEngine | null; stamps: Stamps }>>();

/**
 * A user's engine compiled into one script for the bundled isolate, or null: compilation is off
 * (`FH_ENGINE_BUNDLE=0`), the module is not a file, or the script might not do what the module does. Built
 * again when one of its files changes.
 */
export async function compileUserEngine(engineModule: string): Promise<BundledEngine | null> {
  if (process.env["FH_ENGINE_BUNDLE"] === "0" || !engineModule.startsWith("file:")) return null;
  const entry = fileURLToPath(engineModule);
  const known = compiled.get(entry);
  if (known !== undefined) {
    const { engine, stamps } = await known;
    if (fresh(stamps)) return engine;
  }
  const built = build(entry);
  compiled.set(entry, built);
  return (await built).engine;
}
