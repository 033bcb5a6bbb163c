import fc from "fast-check";
import {
  createEngine,
  createRandom,
  ManualClock,
  parseConfig,
  referenceEngine,
  type EngineUnderTest,
  type ModelCallPart,
  type ModelId,
} from "../../src/index.ts";
import { createFleetFactory } from "../runner/fleet-adapter.ts";
import { runScenario } from "../runner/run-scenario.ts";
import { scenarioSchema, type Scenario } from "../scenario/schema.ts";
import type { SimulationSection } from "./bench-report.ts";
import { FALLBACK, PRIMARY, PROMPT, serverError, STUB_TEXT } from "./chain-calls.ts";

const DAY_MS = 86_400_000;

/** Bounds of the simulation bench. */
export interface SimulationBenchOptions {
  /** Requests spread evenly over one virtual day (issue 8: 10 000). */
  readonly requests: number;
  /** Property cases to run. */
  readonly propertyCases: number;
  /** Wall-time cap on the day, ms: past it the engine refuses requests at once and the rest of the day flies. */
  readonly wallCapMs: number;
}

/**
 * The reference engine behind a wall-clock cap. Once the cap passes, `run` rejects at once, so the
 * remaining requests cost only their scheduling; the virtual time reached when that happened is kept.
 */
function cappedReference(capAt: number, reached: { virtualMs: number | null }): EngineUnderTest {
  return {
    name: "reference (wall-capped)",
    async create(ctx) {
      const inner = await referenceEngine.create(ctx);
      const startMs = ctx.clock.now();
      return {
        run(request) {
          if (performance.now() < capAt) return inner.run(request);
          reached.virtualMs ??= ctx.clock.now() - startMs;
          return Promise.reject(
            new Error(
              "Failed to run the request: the bench's wall-time cap passed. Raise the cap for a longer simulation.",
            ),
          );
        },
        close: () => inner.close?.() ?? Promise.resolve(),
      };
    },
  };
}

/**
 * A day of traffic on the virtual clock: requests evenly spread, provider latency drawn from a log-normal,
 * one primary call in ten failing with a 500, and a one-hour overload of the primary in the morning (the
 * breaker opens, cools down, probes). Default SPEC settings, so retries and backoff sleep on the clock too.
 */
export function dayScenario(requests: number): Scenario {
  return scenarioSchema.parse({
    id: "bench-day",
    title: "A day of traffic for the simulation bench",
    description:
      "Throughput of the virtual clock: 24 hours of requests with a flaky primary and a one-hour overload.",
    seed: 8,
    clock: "virtual",
    transport: "inproc",
    content: "canonical",
    config: { model: PRIMARY, fallback: { chains: { default: [PRIMARY, FALLBACK] } } },
    traffic: [{ count: requests, every: Math.floor(DAY_MS / requests), stream: false }],
    faults: [
      {
        target: "*",
        fault: { kind: "latency", distribution: { type: "lognormal", median: 800, sigma: 0.6, max: 20_000 } },
      },
      {
        target: PRIMARY,
        fault: { kind: "http_error", reason: "overloaded" },
        when: { from: "6h", until: "7h" },
      },
      { target: PRIMARY, fault: { kind: "http_error", reason: "server_error" }, when: { probability: 0.1 } },
    ],
  });
}

/**
 * Runs the property `cases` times with a fixed seed and returns the rate; a counterexample fails the bench.
 * Random chains of 2–4 models, each answering or failing with a 500, through the reference engine on a
 * manual clock; the property: served by the first answering model, or exhausted when none answers. This is
 * the cost of one engine-level property case, the unit of the property suite.
 */
async function runProperty(cases: number, seed: number): Promise<{ cases: number; perSec: number }> {
  const counter = { ran: 0 };
  const models = [
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4-5",
    "google/gemini-2.5-flash",
    "openrouter/openai/gpt-4o",
  ] as ModelId[];
  const property = fc.asyncProperty(
    fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
    async (answers) => {
      counter.ran++;
      const chain = models.slice(0, answers.length);
      const parsed = parseConfig({
        model: chain[0],
        fallback: { chains: { default: chain }, max_retries: 0, circuit_breaker: { enabled: false } },
      });
      if (!parsed.ok) throw new Error("Failed to build the property config. Fix runProperty.");
      const engine = createEngine(parsed.config, {
        clock: new ManualClock(),
        random: createRandom(seed),
        caller: {
          async *call(request): AsyncGenerator<ModelCallPart> {
            await Promise.resolve();
            if (answers[chain.indexOf(request.model)] !== true) throw serverError(request.model);
            yield { type: "text", text: STUB_TEXT };
            yield { type: "finish", finishReason: "stop" };
          },
        },
      });
      const expected = answers.includes(true) ? chain[answers.indexOf(true)] : undefined;
      const served = await engine.run({ agent: "build", prompt: PROMPT, stream: false }).then(
        (r) => r.model,
        () => undefined,
      );
      return served === expected;
    },
  );
  const started = performance.now();
  await fc.assert(property, { numRuns: cases, seed });
  return { cases: counter.ran, perSec: counter.ran / ((performance.now() - started) / 1000) };
}

/** One day's speed on one fetch path: the rate, and what was simulated before the wall cap. */
async function simulateDay(
  options: SimulationBenchOptions,
  fetchPath: "direct" | "intercepted",
): Promise<{
  rate: number;
  virtualSeconds: number;
  wallSeconds: number;
  requests: number;
  simulated: number;
  served: number;
  capped: boolean;
}> {
  const started = performance.now();
  const reached: { virtualMs: number | null } = { virtualMs: null };
  const engine = cappedReference(started + options.wallCapMs, reached);
  const run = await runScenario(dayScenario(options.requests), {
    engine,
    fleet: createFleetFactory({ fetchPath }),
    file: "harness/bench/simulation-bench.ts",
  });
  if (run.engineError !== null)
    throw new Error(
      `Failed to simulate the day: ${run.engineError}. Run the scenario with fallback-harness run to see why.`,
    );
  // Capped: the simulated span is what passed before the cap, over the cap's wall time.
  const wallSeconds =
    reached.virtualMs === null ? (performance.now() - started) / 1000 : options.wallCapMs / 1000;
  const virtualSeconds = (reached.virtualMs ?? Math.max(0, ...run.requests.map((r) => r.endedAt))) / 1000;
  const simulated =
    reached.virtualMs === null
      ? run.requests
      : run.requests.filter((r) => r.sentAt < (reached.virtualMs ?? 0));
  return {
    rate: virtualSeconds / wallSeconds,
    virtualSeconds,
    wallSeconds,
    requests: run.requests.length,
    simulated: simulated.length,
    served: simulated.filter((r) => r.outcome === "success").length,
    capped: reached.virtualMs !== null,
  };
}

/**
 * Simulation speed (issue 8 §5): a 24-hour scenario through the scenario runner on the virtual clock with
 * the in-process fleet and the reference engine, as virtual seconds per wall second; then property cases
 * per second. The engine's `ctx.fetch` calls the fleet directly (fleet.ts); the same day through msw's
 * interception is run too, for the ratio between the two paths in the same run.
 */
export async function benchSimulation(
  options: SimulationBenchOptions,
  progress: (line: string) => void,
): Promise<SimulationSection> {
  progress(`simulation: ${options.requests} requests over 24 virtual hours (direct fetch)`);
  const day = await simulateDay(options, "direct");
  progress(`simulation: the same day through msw's interception`);
  const intercepted = await simulateDay(options, "intercepted");
  progress(`simulation: ${options.propertyCases} property cases`);
  const property = await runProperty(options.propertyCases, 8);
  return {
    requests: day.requests,
    requestsSimulated: day.simulated,
    capped: day.capped,
    virtualSeconds: day.virtualSeconds,
    wallSeconds: day.wallSeconds,
    virtualSecondsPerWallSecond: day.rate,
    interceptedVirtualSecondsPerWallSecond: intercepted.rate,
    servedRate: day.served / Math.max(1, day.simulated),
    propertyCases: property.cases,
    propertyCasesPerSec: property.perSec,
  };
}
