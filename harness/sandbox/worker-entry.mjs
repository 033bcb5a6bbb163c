// The isolate's entry is plain JavaScript so it starts the same under node, tsx and vitest: it registers
// tsx for this thread, then loads the TypeScript isolate.
import { register as registerCjs } from "tsx/cjs/api";
import { register } from "tsx/esm/api";

// Both hooks, as the tsx CLI does: a user's engine outside a `"type": "module"` folder (`.ts`, or `.js`
// with `module.exports`) is CommonJS to Node, and with only the ESM hook Node hands it to its own require,
// which fails with "Cannot require() ES Module … in a cycle".
registerCjs();
register();
await import("./scenario-isolate.ts");
