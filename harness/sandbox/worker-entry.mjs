// The isolate's entry is plain JavaScript so it starts the same under node, tsx and vitest: it runs the
// pre-built isolate when the supervisor gives one (isolate-bundle.ts), else it registers tsx for this thread
// and loads the TypeScript isolate.
import { workerData } from "node:worker_threads";
import { ENGINE_LOADER } from "./engine-loader.mjs";

/** Both hooks, as the tsx CLI does. */
async function registerTsx() {
  const { register: registerCjs } = await import("tsx/cjs/api");
  const { register } = await import("tsx/esm/api");
  // A user's engine outside a `"type": "module"` folder (`.ts`, or `.js` with `module.exports`) is
  // CommonJS to Node, and with only the ESM hook Node hands it to its own require, which fails with
  // "Cannot require() ES Module … in a cycle".
  registerCjs();
  register();
}

const bundle = /** @type {{ bundle?: { isolate: string, engine: unknown } | null } | undefined} */ (
  workerData
)?.bundle;
if (bundle) {
  // A user's engine that is not compiled (no bundled engine: engine-compile.ts) loads through tsx, which the
  // isolate registers once its own modules have loaded (scenario-isolate.ts), so that they skip tsx's hooks.
  if (bundle.engine === null) globalThis[ENGINE_LOADER] = registerTsx;
  await import(bundle.isolate);
} else {
  await registerTsx();
  await import("./scenario-isolate.ts");
}
