import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Three projects so a developer can run one layer at a time (`vitest --project unit`), and a fourth for the
// browser tests. Reporters are explicit: vitest otherwise picks a minimal one in some environments. Under CI a
// JSON report feeds the "N passed, N failed" line that .ci/run prints.
const reporters = process.env.CI ? ["default", "json"] : ["default"];

// The browser tests drive Debian's Chromium. A newcomer's machine may not have it: there they are left out,
// and said so; .ci/run installs it and sets FH_BROWSER_TESTS=required, so CI always runs them.
const CHROMIUM = "/usr/bin/chromium";
const browser = process.env.FH_BROWSER_TESTS === "required" || existsSync(CHROMIUM);
if (!browser) {
  console.warn(
    `fallback-harness: browser tests not run: ${CHROMIUM} is missing (bash .ci/install-chromium installs it; CI always runs them).`,
  );
}
const sandboxes = ["node_modules/**", ".stryker-tmp/**", ".stryker-focus/**"];

export default defineConfig({
  test: {
    reporters,
    outputFile: { json: "reports/vitest.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "harness/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: ["**/*.prop.test.ts", "**/*.scenario.test.ts", "**/*.browser.test.ts", ...sandboxes],
        },
      },
      {
        test: {
          name: "property",
          include: ["src/**/*.prop.test.ts", "harness/**/*.prop.test.ts"],
          exclude: sandboxes,
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "scenario",
          include: [
            "src/**/*.scenario.test.ts",
            "harness/**/*.scenario.test.ts",
            "examples/**/*.scenario.test.ts",
          ],
          exclude: sandboxes,
          testTimeout: 180_000,
        },
      },
      ...(browser
        ? [
            {
              test: {
                name: "browser",
                include: ["harness/**/*.browser.test.ts"],
                exclude: sandboxes,
                testTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
});
