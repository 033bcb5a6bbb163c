// The isolate's entry is plain JavaScript so it starts the same under node, tsx and vitest: it registers
// tsx for this thread, then loads the TypeScript isolate.
import { register } from "tsx/esm/api";

register();
await import("./scenario-isolate.ts");
