// What the bundled isolate runs before anything else when its engine is a user's: tsx's registration, left
// by worker-entry.mjs. A global, under a registered symbol: worker-entry is not bundled and the isolate is, so
// the two never share a module instance.

/** The key of the pending loader on `globalThis`. */
export const ENGINE_LOADER = Symbol.for("fallback-harness.engine-loader");

/** Runs the pending loader, once; nothing when there is none (the tsx path, the bundled reference engine). */
export async function runEngineLoader() {
  const slots = /** @type {Record<symbol, unknown>} */ (globalThis);
  const loader = slots[ENGINE_LOADER];
  if (typeof loader !== "function") return;
  delete slots[ENGINE_LOADER];
  await loader();
}
