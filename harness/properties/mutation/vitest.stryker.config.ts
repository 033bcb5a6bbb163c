import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The suite StrykerJS runs against each mutant of `src/` (see docs/mutation.md): the engine's own unit and
// property tests, without the Node adapters' tests (`src/node/**` is not mutated) and without `harness/`,
// whose scenario runs are too slow to repeat per mutant. No projects: the vitest runner wants one flat suite.
export default defineConfig({
  root: fileURLToPath(new URL("../../../", import.meta.url)),
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["src/node/**", "node_modules/**"],
    testTimeout: 60_000,
  },
});
