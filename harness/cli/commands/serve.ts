import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { systemClock } from "../../../src/index.ts";
import { createFleet, type FaultBindingInput } from "../../fleet/index.ts";
import { formatScenarioProblems, loadScenarioFile } from "../../scenario/load-scenario.ts";
import { srcConfigReading } from "../../scenario/scenario-config-reading.ts";
import { scenarioSchema } from "../../scenario/schema.ts";
import { scenarioInputProblems } from "../../scenario/validate-scenario.ts";
import { EXIT, type CliIo, type ExitCode } from "../io.ts";
import { checkWritableFile } from "../output-path.ts";

/** Arguments of `fallback-harness serve`. */
export interface ServeArgs {
  readonly seed?: number;
  /** A scenario file whose faults, models, content and seed the fleet takes. */
  readonly scenario?: string;
  /** Where the fleet's request log goes (JSONL) when the server stops. */
  readonly log?: string;
  /** A fixed 127.0.0.1 port: the URLs a gateway is configured with for `run --fleet-port`. */
  readonly port?: number;
}

/**
 * `fallback-harness serve`: the loopback fleet for engines in other languages. Prints each provider's base
 * URL and fake key, serves on 127.0.0.1 until `untilStopped` resolves (Ctrl-C), then writes its request log
 * for `fallback-harness check`'s cross-check.
 */
export async function serveCommand(
  args: ServeArgs,
  io: CliIo,
  untilStopped: () => Promise<void>,
): Promise<ExitCode> {
  let faults: readonly FaultBindingInput[] = [];
  let models: Record<string, string[]> | undefined;
  let content: "canonical" | "faker" = "canonical";
  let seed = args.seed ?? 1;
  // Checked before serving: the log is written only when the server stops, and a bad path would lose it.
  const logFile = resolve(io.cwd, args.log ?? "reports/fleet.jsonl");
  const unwritable = await checkWritableFile(logFile);
  if (unwritable !== null) {
    io.stderr.write(
      `fallback-harness serve: cannot write the request log there: ${unwritable}. Pass --log a file path you can write to.\n`,
    );
    return EXIT.badInput;
  }
  if (args.scenario !== undefined) {
    const file = resolve(io.cwd, args.scenario);
    const loaded = await loadScenarioFile(file, scenarioSchema);
    if (!loaded.ok) {
      io.stderr.write(`${formatScenarioProblems(loaded.problems)}\n`);
      return EXIT.badInput;
    }
    const problems = await scenarioInputProblems(loaded.value, file, srcConfigReading, loaded.locate);
    const config = await srcConfigReading(loaded.value, file);
    if (problems.length > 0 || !config.ok) {
      io.stderr.write(`${formatScenarioProblems(problems)}\n`);
      return EXIT.badInput;
    }
    const trafficModels = loaded.value.traffic.flatMap((t) => (t.model === undefined ? [] : [t.model]));
    models = {};
    for (const id of new Set([...config.facts.models, ...trafficModels]))
      (models[id.slice(0, id.indexOf("/"))] ??= []).push(id.slice(id.indexOf("/") + 1));
    faults = loaded.value.faults;
    content = loaded.value.content;
    seed = args.seed ?? loaded.value.seed;
  }
  const fleet = await createFleet({
    clock: systemClock,
    seed,
    transport: "loopback",
    faults,
    content,
    ...(models ? { models } : {}),
    ...(args.port !== undefined ? { port: args.port } : {}),
  });
  const lines = [
    `fallback-harness fleet on 127.0.0.1 (seed ${seed}${args.scenario ? `, faults of ${args.scenario}` : ", no faults"})`,
  ];
  for (const [provider, endpoint] of Object.entries(fleet.endpoints)) {
    lines.push(
      `  ${provider.padEnd(11)} ${endpoint.baseURL.padEnd(40)} key ${endpoint.apiKey}  (${endpoint.api})`,
    );
  }
  lines.push("Stop with Ctrl-C; the request log is written on exit.");
  io.stdout.write(`${lines.join("\n")}\n`);
  await untilStopped();
  await fleet.close();
  await mkdir(dirname(logFile), { recursive: true });
  await writeFile(logFile, fleet.log.map((e) => `${JSON.stringify(e)}\n`).join(""));
  io.stdout.write(`served ${fleet.log.length} request(s); request log: ${logFile}\n`);
  return EXIT.ok;
}
