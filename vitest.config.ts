import { defineConfig } from "vitest/config";

// Three projects so a developer can run one layer at a time (`vitest --project unit`).
// Reporters are explicit: vitest otherwise picks a minimal one in some environments. Under CI a JSON report
// feeds the "N passed, N failed" line that .ci/run prints.
const reporters = process.env.CI ? ["default", "json"] : ["default"];

export default defineConfig({
  test: {
    reporters,
    outputFile: { json: "reports/vitest.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "harness/**/*.test.ts"],
          exclude: ["**/*.prop.test.ts", "**/*.scenario.test.ts", "node_modules/**"],
        },
      },
      { test: { name: "property", include: ["src/**/*.prop.test.ts", "harness/**/*.prop.test.ts"], testTimeout: 60_000 } },
      { test: { name: "scenario", include: ["src/**/*.scenario.test.ts", "harness/**/*.scenario.test.ts"], exclude: ["node_modules/**", ".stryker-tmp/**", ".stryker-focus/**"], testTimeout: 120_000 } },
    ],
  },
});
