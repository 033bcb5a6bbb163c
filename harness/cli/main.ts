import { availableParallelism } from "node:os";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { EXIT, type CliIo, type ExitCode } from "./io.ts";
import { validateCommand } from "./commands/validate.ts";
import { checkCommand } from "./commands/check.ts";
// `run` loads the engines, the fleet and msw (2 s of CPU, 100 MB): only when run, so `check` starts fast.
import type { RunDeps } from "./commands/run.ts";
import { describeThrown } from "../report/describe-thrown.ts";
import { scrubbingIo } from "./scrubbing-io.ts";
import { parseShard, type Shard } from "../runner/shard.ts";

/** Services commands need that tests may replace. */
export interface MainDeps {
  readonly run?: Partial<RunDeps>;
  /** Resolves when `serve` should stop; default: SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<void>;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

function parseRatio(value: string): number {
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0) throw new InvalidArgumentError("expected a number ≥ 0, e.g. 0.5");
  return ratio;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

function parseShardOption(value: string): Shard {
  const parsed = parseShard(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.shard;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InvalidArgumentError("expected a non-negative integer");
  return seed;
}

/** Runs the CLI and returns its exit code (SPEC §11); never throws. */
export async function main(argv: readonly string[], io: CliIo, deps: MainDeps = {}): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  // Commands that print what an engine or a log said get a scrubbed io; `serve` must print the fleet's keys.
  const scrubbed = scrubbingIo(io);
  const program = new Command("fallback-harness")
    .description("Chaos and verification harness for LLM model-fallback engines.")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError("(run fallback-harness --help for usage)");

  program
    .command("validate")
    .description("validate an opencode.json / opencode.jsonc and print the effective fallback configuration")
    .argument("<file>", "the config file")
    .action(async (file: string) => {
      code = await validateCommand(file, io);
    });

  program
    .command("run")
    .description("run scenarios against an engine and write a report; exit 1 on any FAIL (a CI gate)")
    .argument("[paths...]", "scenario files or folders (default: the shipped library)")
    .option(
      "--engine <module>",
      "engine-under-test module (SPEC §10), `portkey`, `opencode`, `opencode:run`, `opencode+omo`, or `gateway:URL` (real time); default: the reference engine; repeat it for a scorecard of several engines",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--seed <n>", "override every scenario's seed", parseSeed)
    .option(
      "--tag <tag>",
      "only scenarios with this tag (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(
      new Option("--transport <kind>", "override every scenario's transport").choices(["inproc", "loopback"]),
    )
    .addOption(
      new Option("--tier <tier>", "what gates the exit code: safety failures only, or any failure")
        .choices(["safety", "conformance"])
        .default("conformance"),
    )
    .option("--report-dir <dir>", "where the report goes (default: reports/run-<time>)")
    .option(
      "--jobs <n>",
      "scenarios at once, each engine in its own worker thread (default: the machine's cores)",
      parsePositive,
    )
    .option("--scenario-timeout <s>", "real-time bound per scenario, seconds (default 900)", parsePositive)
    .option(
      "--stall-timeout <s>",
      "real time an engine may block its worker's event loop, seconds (default 60)",
      parsePositive,
    )
    .option("--engine-memory <mb>", "heap limit of each engine's isolate, MB (default 1024)", parsePositive)
    .option(
      "--properties <n>",
      "also run the engine property over n random scenarios (configs × faults × traffic)",
      parsePositive,
    )
    .option(
      "--properties-time <s>",
      "wall-time budget of --properties, runs and shrinking together, seconds (default 300)",
      parsePositive,
    )
    .option(
      "--phase-timeout <s>",
      "real-time bound on loading the engine, on create and on close, seconds (default 30)",
      parsePositive,
    )
    .addOption(
      new Option(
        "--clock <kind>",
        "virtual (default: each scenario's own) or real: the wall clock, the fleet on loopback",
      ).choices(["virtual", "real"]),
    )
    .option(
      "--realtime-budget <s>",
      "with --clock real: wall time of the whole run, seconds; longer scenarios are skipped (default 300)",
      parsePositive,
    )
    .option(
      "--fleet-port <port>",
      "serve each scenario's fleet on this 127.0.0.1 port (for --engine gateway:URL)",
      parsePositive,
    )
    .option(
      "--shard <i/n>",
      "run only shard i of n (stable by scenario id) for merge-reports; e.g. one CI job per shard",
      parseShardOption,
    )
    .action(
      async (
        paths: string[],
        options: {
          shard?: Shard;
          clock?: "virtual" | "real";
          realtimeBudget?: number;
          fleetPort?: number;
          engine?: string[];
          seed?: number;
          tag?: string[];
          transport?: "inproc" | "loopback";
          tier?: "safety" | "conformance";
          reportDir?: string;
          jobs?: number;
          scenarioTimeout?: number;
          engineMemory?: number;
          phaseTimeout?: number;
          stallTimeout?: number;
          properties?: number;
          propertiesTime?: number;
        },
      ) => {
        const { htmlReport } = await import("../report/html-report.ts");
        // Several engines: the same run for each, into its own folder, and a scorecard across them.
        const engines = options.engine ?? [];
        const command =
          engines.length > 1
            ? (await import("./commands/run-scorecard.ts")).scorecardCommand(engines)
            : (await import("./commands/run.ts")).runCommand;
        code = await command(
          {
            paths,
            ...(engines[0] !== undefined ? { engine: engines[0] } : {}),
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.tag !== undefined ? { tags: options.tag } : {}),
            ...(options.transport !== undefined ? { transport: options.transport } : {}),
            ...(options.tier !== undefined ? { tier: options.tier } : {}),
            ...(options.reportDir !== undefined ? { reportDir: options.reportDir } : {}),
            ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
            ...(options.scenarioTimeout !== undefined
              ? { scenarioTimeoutMs: options.scenarioTimeout * 1000 }
              : {}),
            ...(options.stallTimeout !== undefined ? { stallTimeoutMs: options.stallTimeout * 1000 } : {}),
            ...(options.engineMemory !== undefined ? { engineMemoryMb: options.engineMemory } : {}),
            ...(options.phaseTimeout !== undefined ? { phaseTimeoutMs: options.phaseTimeout * 1000 } : {}),
            ...(options.properties !== undefined ? { properties: options.properties } : {}),
            ...(options.propertiesTime !== undefined
              ? { propertiesTimeMs: options.propertiesTime * 1000 }
              : {}),
            ...(options.shard !== undefined ? { shard: options.shard } : {}),
            ...(options.clock !== undefined ? { clock: options.clock } : {}),
            ...(options.realtimeBudget !== undefined
              ? { realtimeBudgetMs: options.realtimeBudget * 1000 }
              : {}),
            ...(options.fleetPort !== undefined ? { fleetPort: options.fleetPort } : {}),
          },
          scrubbed,
          {
            cores: availableParallelism(),
            extras: [htmlReport],
            wallNow: () => performance.now() + performance.timeOrigin,
            ...deps.run,
          },
        );
      },
    );

  program
    .command("scorecard")
    .description(
      "run the real-time subset (failoverbench, errors) against every known engine into reports/scorecard/: engine × scenario, evidence per FAIL",
    )
    .argument(
      "[paths...]",
      "scenario files or folders (default: scenarios/failoverbench and scenarios/errors)",
    )
    .option(
      "--engine <name>",
      "only this engine (repeatable): reference, ai-fallback, cockatiel, plain-fetch-loop, portkey, opencode, opencode+omo, or a module",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--budget <s>", "wall-time budget of each engine's run, seconds (default 300)", parsePositive)
    .option("--report-dir <dir>", "where the scorecard goes (default: reports/scorecard)")
    .option("--seed <n>", "override every scenario's seed", parseSeed)
    .option(
      "--keep",
      "keep the columns an earlier scorecard left in the report folder for engines not run now (each states its own date and commit)",
    )
    .action(
      async (
        paths: string[],
        options: { engine?: string[]; budget?: number; reportDir?: string; seed?: number; keep?: boolean },
      ) => {
        const [{ scorecardCommand }, { htmlReport }] = await Promise.all([
          import("./commands/scorecard.ts"),
          import("../report/html-report.ts"),
        ]);
        code = await scorecardCommand(
          {
            ...(paths.length > 0 ? { paths } : {}),
            ...(options.engine !== undefined ? { engines: options.engine } : {}),
            ...(options.budget !== undefined ? { budgetS: options.budget } : {}),
            ...(options.reportDir !== undefined ? { reportDir: options.reportDir } : {}),
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.keep === true ? { keep: true } : {}),
          },
          scrubbed,
          {
            cores: deps.run?.cores ?? availableParallelism(),
            extras: deps.run?.extras ?? [htmlReport],
            wallNow: deps.run?.wallNow ?? (() => performance.now() + performance.timeOrigin),
          },
        );
      },
    );

  program
    .command("merge-reports")
    .description(
      "merge the report folders of `run --shard i/n` into one report, as an unsharded run writes it; its exit code",
    )
    .argument("<dirs...>", "the shards' report folders")
    .option("--report-dir <dir>", "where the merged report goes (default: reports/merged)")
    .action(async (dirs: string[], options: { reportDir?: string }) => {
      const [{ mergeReportsCommand }, { htmlReport }] = await Promise.all([
        import("./commands/merge-reports.ts"),
        import("../report/html-report.ts"),
      ]);
      code = await mergeReportsCommand(
        { dirs, ...(options.reportDir !== undefined ? { reportDir: options.reportDir } : {}) },
        scrubbed,
        { extras: deps.run?.extras ?? [htmlReport] },
      );
    });

  program
    .command("check")
    .description("check an audit log (JSONL, .gz allowed) against every invariant of SPEC §8")
    .argument("<audit.jsonl>", "the audit log")
    .option("--config <file>", "the opencode.json the engine ran with (default: SPEC defaults)")
    .option("--json", "print the result as JSON")
    .action(async (file: string, options: { config?: string; json?: boolean }) => {
      code = await checkCommand(
        {
          file,
          ...(options.config !== undefined ? { config: options.config } : {}),
          ...(options.json ? { json: true } : {}),
        },
        scrubbed,
      );
    });

  program
    .command("replay")
    .description(
      "turn an audit log into a scenario, replay it against an engine and compare decisions; exit 1 when they diverge",
    )
    .argument("<audit.jsonl>", "the incident's audit log (SPEC §8 or OpenCode-style JSONL, .gz allowed)")
    .option("--config <file>", "the opencode.json the engine ran with (default: inferred from the log)")
    .option("--engine <module>", "engine-under-test module (SPEC §10); default: the reference engine")
    .option("--out <file>", "where the inferred scenario goes (default scenarios/incidents/<id>.yaml)")
    .option("--seed <n>", "the engine's seed for the replay (default 1)", parseSeed)
    .option(
      "--tolerance <ms>",
      "allowed difference of times that are not waits, plus --jitter of the larger (default 1000); each wait is judged by the config's bounds",
      parseSeed,
    )
    .option(
      "--jitter <ratio>",
      "allowed difference as a share of the larger time, waits aside (default 0)",
      parseRatio,
    )
    .option(
      "--report-dir <dir>",
      "where the replayed audit and the comparison go (default reports/replay-<id>)",
    )
    .action(
      async (
        file: string,
        options: {
          config?: string;
          engine?: string;
          out?: string;
          seed?: number;
          tolerance?: number;
          jitter?: number;
          reportDir?: string;
        },
      ) => {
        const { DEFAULT_TOLERANCE, replayCommand } = await import("./commands/replay.ts");
        code = await replayCommand(
          {
            file,
            ...(options.config !== undefined ? { config: options.config } : {}),
            ...(options.engine !== undefined ? { engine: options.engine } : {}),
            ...(options.out !== undefined ? { out: options.out } : {}),
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.tolerance !== undefined || options.jitter !== undefined
              ? {
                  tolerance: {
                    ms: options.tolerance ?? DEFAULT_TOLERANCE.ms,
                    ratio: options.jitter ?? DEFAULT_TOLERANCE.ratio,
                  },
                }
              : {}),
            ...(options.reportDir !== undefined ? { reportDir: options.reportDir } : {}),
          },
          scrubbed,
        );
      },
    );

  program
    .command("serve")
    .description("serve the mocked provider fleet on 127.0.0.1 for engines in other languages, until stopped")
    .option("--scenario <file>", "take faults, models, content and seed from this scenario file")
    .option("--seed <n>", "seed of content and fault draws", parseSeed)
    .option("--log <file>", "where the fleet's request log goes on exit (default reports/fleet.jsonl)")
    .option("--port <port>", "listen on this 127.0.0.1 port (default: a free one)", parsePositive)
    .action(async (options: { scenario?: string; seed?: number; log?: string; port?: number }) => {
      const { serveCommand } = await import("./commands/serve.ts");
      code = await serveCommand(options, io, deps.untilStopped ?? untilSignal);
    });

  program
    .command("bench")
    .description("benchmark decision overhead, failover latency, peers, audit and simulation; gate on ratios")
    .option("--quick", "a smoke-sized run (seconds)")
    .option("--out <dir>", "where the report goes (default reports/bench)")
    .option(
      "--compare <baseline.json>",
      "exit 1 when a ratio regressed beyond the threshold versus this report",
    )
    .option("--threshold <percent>", "allowed relative growth of a ratio (default 25)", (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a non-negative number");
      return n;
    })
    .action(async (options: { quick?: boolean; out?: string; compare?: string; threshold?: number }) => {
      const { benchCommand } = await import("./commands/bench.ts");
      code = await benchCommand(
        {
          ...(options.quick ? { quick: true } : {}),
          ...(options.out !== undefined ? { out: options.out } : {}),
          ...(options.compare !== undefined ? { compare: options.compare } : {}),
          ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
        },
        io,
      );
    });

  program
    .command("triage")
    .description(
      "the runbook as a report: what an audit log says went wrong, with charts and suggested actions",
    )
    .argument("<audit.jsonl>", "the audit log (SPEC §8 or OpenCode-style JSONL, .gz allowed)")
    .option(
      "--config <file>",
      "the opencode.json the engine ran with: actions then name real config paths and values",
    )
    .option("--out <dir>", "where triage.md and triage.html go (default reports/triage-<log name>)")
    .option("--json", "print the findings as JSON")
    .action(async (file: string, options: { config?: string; out?: string; json?: boolean }) => {
      const { triageCommand } = await import("./commands/triage.ts");
      code = await triageCommand(
        {
          file,
          ...(options.config !== undefined ? { config: options.config } : {}),
          ...(options.out !== undefined ? { out: options.out } : {}),
          ...(options.json ? { json: true } : {}),
        },
        scrubbed,
      );
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; anything else is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    // Nothing should end here; if something does, one scrubbed line, never a stack trace.
    scrubbed.stderr.write(`fallback-harness: ${describeThrown(error).message}\n`);
    return EXIT.badInput;
  }
}
