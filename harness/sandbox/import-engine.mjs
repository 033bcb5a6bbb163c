// The engine's module is imported from this JavaScript file, not from the TypeScript isolate: tsx maps a
// `.js` specifier imported by a `.ts` file to a `.ts` sibling when one exists (TypeScript's convention), so
// `--engine ./my-engine.js` next to `my-engine.ts` would load the `.ts`. From a `.mjs` parent it loads the
// file the user named.

/** @param {string} url @returns {Promise<{ default?: unknown }>} */
export const importEngine = (url) => import(url);
