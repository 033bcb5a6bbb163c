// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const ambientTime = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: "Use the injected Clock (src/core/clock.ts).",
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: "Use the injected Clock (src/core/clock.ts).",
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: "Use the injected Random (src/core/random.ts).",
  },
  {
    selector: "CallExpression[callee.name='setTimeout']",
    message: "Use Clock.sleep so time stays injectable.",
  },
  {
    selector: "CallExpression[callee.object.name='AbortSignal'][callee.property.name='timeout']",
    message: "AbortSignal.timeout ignores the injected clock; use Clock.sleep.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".scratch/**",
      "reports/**",
      "dist/**",
      "coverage/**",
      ".stryker-tmp/**",
      ".stryker-focus/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/node/**", "src/**/*.test.ts"],
    rules: { "no-restricted-syntax": ["error", ...ambientTime] },
  },
  {
    files: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["bin/**/*.js", "eslint.config.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
