#!/usr/bin/env node
/* global process */
// The CLI is TypeScript run through tsx, so it works right after `npm ci` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../harness/cli/main.ts");
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
