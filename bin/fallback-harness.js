#!/usr/bin/env node
/* global process */
// The CLI is TypeScript run through tsx, so it works right after `npm ci` with no build step.
import { bundledMain } from "../harness/cli/commands/check-bundle.mjs";
import { bundledRunMain } from "../harness/cli/commands/run-bundle.mjs";

// `check` reads logs of millions of lines and starts from a cached esbuild bundle of the CLI, skipping tsx's
// second of start-up (check-bundle.mjs); `run` likewise starts from a cached bundle of its own module graph
// (run-bundle.mjs). If a bundle cannot be had, the command runs through tsx like the rest.
const args = process.argv.slice(2);
let main = args[0] === "check" ? await bundledMain() : args[0] === "run" ? await bundledRunMain() : null;
if (main === null) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../harness/cli/main.ts"));
}
process.exitCode = await main(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
