import { defineConfig } from "vitest/config";

// Three projects so a developer can run one layer at a time (`vitest --project unit`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "harness/**/*.test.ts"],
          exclude: ["**/*.prop.test.ts", "**/*.scenario.test.ts", "node_modules/**"],
        },
      },
      { test: { name: "property", include: ["src/**/*.prop.test.ts", "harness/**/*.prop.test.ts"], testTimeout: 60_000 } },
      { test: { name: "scenario", include: ["**/*.scenario.test.ts"], exclude: ["node_modules/**"], testTimeout: 120_000 } },
    ],
  },
});
