// The isolate's entry is plain JavaScript so it starts the same under node, tsx and vitest: it runs the
// pre-built isolate when the supervisor gives one (the reference engine, isolate-bundle.ts), else it
// registers tsx for this thread and loads the TypeScript isolate.
import { workerData } from "node:worker_threads";

const bundle = /** @type {{ bundle?: { isolate: string } | null } | undefined} */ (workerData)?.bundle;
if (bundle) {
  await import(bundle.isolate);
} else {
  const { register: registerCjs } = await import("tsx/cjs/api");
  const { register } = await import("tsx/esm/api");
  // Both hooks, as the tsx CLI does: a user's engine outside a `"type": "module"` folder (`.ts`, or `.js`
  // with `module.exports`) is CommonJS to Node, and with only the ESM hook Node hands it to its own require,
  // which fails with "Cannot require() ES Module … in a cycle".
  registerCjs();
  register();
  await import("./scenario-isolate.ts");
}
