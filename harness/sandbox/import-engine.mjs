// The engine's module is imported from this JavaScript file, not from the TypeScript isolate: tsx maps a
// `.js` specifier imported by a `.ts` file to a `.ts` sibling when one exists (TypeScript's convention), so
// `--engine ./my-engine.js` next to `my-engine.ts` would load the `.ts`. From a `.mjs` parent it loads the
// file the user named.

/** @param {string} url @returns {Promise<{ default?: unknown }>} */
export async function importEngine(url) {
  /** @type {{ default?: unknown }} */
  const module = await import(url);
  // A `.ts` engine outside a `"type": "module"` folder is CommonJS compiled from `export default`: its
  // export sits at `exports.default`, flagged `__esModule`, and Node's import hands over all of `exports`
  // as the default. Unwrapped as tsx unwraps it for an import from a file it compiled (the TypeScript
  // isolate); the bundled isolate's import is Node's own.
  return unwrapCommonJs(module.default) ?? module;
}

/**
 * The `{ default }` of CommonJS exports compiled from `export default` (flagged `__esModule`), as tsx's
 * interop gives it; undefined for any other exports.
 * @param {unknown} exports
 * @returns {{ default: unknown } | undefined}
 */
export function unwrapCommonJs(exports) {
  const compiled =
    typeof exports === "object" && exports !== null && "__esModule" in exports && exports.__esModule === true;
  return compiled && "default" in exports ? { default: exports.default } : undefined;
}
