import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { systemClock } from "../../../src/index.ts";
import { createFleet, type FaultBindingInput } from "../../fleet/index.ts";
import { formatScenarioProblems, loadScenarioFile } from "../../scenario/load-scenario.ts";
import { scenarioSchema } from "../../scenario/schema.ts";
import { configuredModels, scenarioConfig, ScenarioInputError } from "../../runner/run-scenario.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";

/** Arguments of `fallback-harness serve`. */
export interface ServeArgs {
  readonly seed?: number;
  /** A scenario file whose faults, models, content and seed the fleet takes. */
  readonly scenario?: string;
  /** Where the fleet's request log goes (JSONL) when the server stops. */
  readonly log?: string;
}

/**
 * `fallback-harness serve`: the loopback fleet for engines in other languages. Prints each provider's base
 * URL and fake key, serves on 127.0.0.1 until `untilStopped` resolves (Ctrl-C), then writes its request log
 * for `fallback-harness check`'s cross-check.
 */
export async function serveCommand(args: ServeArgs, io: CliIo, untilStopped: () => Promise<void>): Promise<ExitCode> {
  let faults: readonly FaultBindingInput[] = [];
  let models: Record<string, string[]> | undefined;
  let content: "canonical" | "faker" = "canonical";
  let seed = args.seed ?? 1;
  if (args.scenario !== undefined) {
    const file = resolve(io.cwd, args.scenario);
    const loaded = await loadScenarioFile(file, scenarioSchema);
    if (!loaded.ok) {
      io.stderr.write(`${formatScenarioProblems(loaded.problems)}\n`);
      return EXIT.badInput;
    }
    try {
      const config = await scenarioConfig(loaded.value, file);
      models = {};
      for (const id of configuredModels(config)) (models[id.slice(0, id.indexOf("/"))] ??= []).push(id.slice(id.indexOf("/") + 1));
    } catch (error) {
      if (!(error instanceof ScenarioInputError)) throw error;
      io.stderr.write(`${file}: ${error.message}\n${error.problems.map((p) => `  ${p.pointer}: ${p.message}`).join("\n")}\n`);
      return EXIT.badInput;
    }
    faults = loaded.value.faults;
    content = loaded.value.content;
    seed = args.seed ?? loaded.value.seed;
  }
  const fleet = await createFleet({ clock: systemClock, seed, transport: "loopback", faults, content, ...(models ? { models } : {}) });
  const lines = [`fallback-harness fleet on 127.0.0.1 (seed ${seed}${args.scenario ? `, faults of ${args.scenario}` : ", no faults"})`];
  for (const [provider, endpoint] of Object.entries(fleet.endpoints)) {
    lines.push(`  ${provider.padEnd(11)} ${endpoint.baseURL.padEnd(40)} key ${endpoint.apiKey}  (${endpoint.api})`);
  }
  lines.push("Stop with Ctrl-C; the request log is written on exit.");
  io.stdout.write(`${lines.join("\n")}\n`);
  await untilStopped();
  await fleet.close();
  const logFile = resolve(io.cwd, args.log ?? "reports/fleet.jsonl");
  await mkdir(dirname(logFile), { recursive: true });
  await writeFile(logFile, fleet.log.map((e) => `${JSON.stringify(e)}\n`).join(""));
  io.stdout.write(`served ${fleet.log.length} request(s); request log: ${logFile}\n`);
  return EXIT.ok;
}
