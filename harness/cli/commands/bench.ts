import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { compareRatios, formatComparison, parseBaseline } from "../../bench/compare.ts";
import { runBench, type BenchOutput, type RunBenchOptions } from "../../bench/run-bench.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";

/** Arguments of `fallback-harness bench`. */
export interface BenchCommandArgs {
  /** A stored report to compare this run's ratios with; exit 1 when one regressed beyond the threshold. */
  readonly compare?: string;
  /** Smoke-sized run (seconds, for tests and CI smoke jobs). */
  readonly quick?: boolean;
  /** Output directory; default `reports/bench` under the working directory. */
  readonly out?: string;
  /** Allowed relative growth of a ratio, in percent; default 25. */
  readonly threshold?: number;
}

/** Services the command needs that tests replace. */
export interface BenchDeps {
  readonly runBench: (options: RunBenchOptions) => Promise<BenchOutput>;
}

/** The default relative growth of a ratio before `--compare` fails, in percent. */
export const DEFAULT_THRESHOLD_PERCENT = 25;

/**
 * `fallback-harness bench [--quick] [--out <dir>] [--compare <baseline.json>] [--threshold <percent>]`:
 * runs the failover benchmarks, writes `<out>/<timestamp>.json|.md|.svg`, prints the Markdown report, and
 * with `--compare` gates on ratios (never absolute times). Exit 0 ok, 1 a ratio regressed, 2 unusable
 * input (a missing or malformed baseline, a bad threshold) — checked before the bench spends minutes.
 * Progress lines go to stderr on a TTY, and never under `CI=true`.
 */
export async function benchCommand(
  args: BenchCommandArgs,
  io: CliIo,
  deps: BenchDeps = { runBench },
): Promise<ExitCode> {
  const thresholdPercent = args.threshold ?? DEFAULT_THRESHOLD_PERCENT;
  if (!Number.isFinite(thresholdPercent) || thresholdPercent < 0) {
    io.stderr.write(
      `fallback-harness bench: Failed to read --threshold: ${String(thresholdPercent)} is not a percentage ≥ 0. Pass e.g. --threshold 25.\n`,
    );
    return EXIT.badInput;
  }
  let baseline: Readonly<Record<string, number>> | undefined;
  if (args.compare !== undefined) {
    const path = resolve(io.cwd, args.compare);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      const code =
        typeof error === "object" && error !== null && "code" in error ? String(error.code) : String(error);
      io.stderr.write(
        `fallback-harness bench: Failed to read the baseline ${args.compare}: ${code}. Pass a JSON report written by \`fallback-harness bench\` (reports/bench/<timestamp>.json).\n`,
      );
      return EXIT.badInput;
    }
    const parsed = parseBaseline(text, args.compare);
    if (!parsed.ok) {
      io.stderr.write(`fallback-harness bench: ${parsed.message}\n`);
      return EXIT.badInput;
    }
    baseline = parsed.baseline.ratios;
  }

  const showProgress = io.stdout.isTTY === true && io.env.CI !== "true";
  const output = await deps.runBench({
    quick: args.quick === true,
    outDir: resolve(io.cwd, args.out ?? "reports/bench"),
    root: io.cwd,
    progress: showProgress ? (line) => io.stderr.write(`bench: ${line}\n`) : () => undefined,
  });
  io.stdout.write(`${output.markdown}\n`);
  io.stdout.write(`Wrote ${output.jsonPath}, ${output.markdownPath} and ${output.svgPath}.\n`);
  if (baseline === undefined) return EXIT.ok;
  const comparison = compareRatios(baseline, output.report.ratios, { threshold: thresholdPercent / 100 });
  io.stdout.write(formatComparison(comparison, thresholdPercent / 100));
  return comparison.ok ? EXIT.ok : EXIT.checkFailed;
}

/** The result of {@link parseBenchArgs}. */
export type ParseBenchArgsResult =
  { readonly ok: true; readonly args: BenchCommandArgs } | { readonly ok: false; readonly message: string };

/** Parses `run-all.ts`'s argv (`--quick`, `--out <dir>`, `--compare <file>`, `--threshold <percent>`). */
export function parseBenchArgs(argv: readonly string[]): ParseBenchArgsResult {
  let args: BenchCommandArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--quick":
        args = { ...args, quick: true };
        continue;
      case "--out":
      case "--compare":
      case "--threshold": {
        if (value === undefined || value.startsWith("--"))
          return {
            ok: false,
            message: `Failed to parse ${flag}: it needs a value. Example: ${flag} ${flag === "--threshold" ? "25" : "reports/bench/baseline.json"}.`,
          };
        i++;
        if (flag === "--out") args = { ...args, out: value };
        else if (flag === "--compare") args = { ...args, compare: value };
        else args = { ...args, threshold: Number(value) };
        continue;
      }
      case undefined:
      default:
        return {
          ok: false,
          message: `Failed to parse the arguments: unknown option ${String(flag)}. Use --quick, --out <dir>, --compare <baseline.json>, --threshold <percent>.`,
        };
    }
  }
  return { ok: true, args };
}
