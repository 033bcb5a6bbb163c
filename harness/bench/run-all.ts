/**
 * `npm run bench`: every benchmark of issue 8 in one process; writes reports/bench/<timestamp>.{json,md,svg}
 * and prints the report. Flags: `--quick` (smoke-sized), `--compare <baseline.json>` (exit 1 on a ratio
 * regression), `--threshold <percent>`, `--out <dir>`. The same entry as `fallback-harness bench`.
 */
import { benchCommand, parseBenchArgs } from "../cli/commands/bench.ts";
import type { CliIo } from "../cli/io.ts";

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
const parsed = parseBenchArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`${parsed.message}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await benchCommand(parsed.args, io);
}
