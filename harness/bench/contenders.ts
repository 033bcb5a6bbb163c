import { createFallback } from "ai-fallback";
import {
  circuitBreaker,
  ConsecutiveBreaker,
  fallback,
  handleAll,
  retry,
  wrap,
  type IPolicy,
} from "cockatiel";
import CircuitBreaker from "opossum";
import {
  createEngine,
  createRandom,
  parseConfig,
  systemClock,
  type AuditSink,
  type EngineConfig,
  type ModelId,
} from "../../src/index.ts";
import type { ContenderId } from "./bench-report.ts";
import { FALLBACK, PRIMARY, PROMPT, type ChainCalls } from "./chain-calls.ts";

/** One engine set up over one chain: a request runs the chain to its answer. */
export interface ContenderInstance {
  run(): Promise<string>;
  close(): Promise<void>;
}

/** An engine of the comparison and how it is configured for it. */
export interface Contender {
  readonly id: ContenderId;
  /** How it is set up, for the report (so a reader can check the comparison is fair). */
  readonly setup: string;
  create(calls: ChainCalls, stream: boolean): ContenderInstance;
}

/** Never trips within a bench (every request must walk the failover path, not skip the primary). */
const NEVER_TRIPS = Number.MAX_SAFE_INTEGER;

/**
 * Keeps audit lines in memory like `MemoryAuditSink`, but forgets them in blocks: a timed loop of a
 * hundred thousand requests would otherwise hold every line until the end and measure the GC instead.
 */
class BoundedMemorySink implements AuditSink {
  lines: string[] = [];
  append(line: string): void {
    if (this.lines.length >= 10_000) this.lines = [];
    this.lines.push(line);
  }
}

/**
 * The reference engine's bench config: fall over at once (`max_retries: 0`, so a 429 or a reset is not
 * retried on the same model, as no peer retries either), no promotion (it would serve later requests from
 * the fallback directly), breakers on but with a 1 ms window so they count and never trip. `breakers: false`
 * turns them off, for the failover bench's split of what the breakers cost.
 */
export function benchEngineConfig(breakers = true): EngineConfig {
  const parsed = parseConfig({
    model: PRIMARY,
    fallback: {
      chains: { default: [PRIMARY, FALLBACK] },
      max_retries: 0,
      promote_on_success: false,
      circuit_breaker: { enabled: breakers, failure_threshold: 1_000_000, window_ms: 1 },
    },
  });
  if (!parsed.ok)
    throw new Error(
      `Failed to build the bench config: ${parsed.problems.map((p) => p.message).join("; ")}. Fix benchEngineConfig.`,
    );
  return parsed.config;
}

/** The reference engine over `calls`, with its audit going to `audit`, or none written at all. */
function referenceInstance(
  calls: ChainCalls,
  stream: boolean,
  audit: AuditSink | undefined,
  breakers = true,
): ContenderInstance {
  const engine = createEngine(benchEngineConfig(breakers), {
    clock: systemClock,
    random: createRandom(1),
    caller: calls.caller,
    ...(audit === undefined ? {} : { audit }),
  });
  return {
    run: async () => (await engine.run({ agent: "build", prompt: PROMPT, stream })).text,
    close: () => engine.close(),
  };
}

const reference: Contender = {
  id: "reference",
  setup:
    "createEngine over the AI SDK caller; max_retries 0, promote_on_success false, breakers on (1 ms window, never trip), audit to memory",
  create: (calls, stream) => referenceInstance(calls, stream, new BoundedMemorySink()),
};

/**
 * The reference engine with no audit sink, same config and caller: the failover bench times it beside the
 * reference to show what the audit costs, the overhead bench for issue 15's "audit off" goal.
 */
export function createReferenceAuditOff(calls: ChainCalls, stream: boolean): ContenderInstance {
  return referenceInstance(calls, stream, undefined);
}

/**
 * The reference engine with no audit sink and its breakers off: the failover bench times it beside the
 * audit-off engine to show what the breakers cost inside a request.
 */
export function createReferenceBreakersOff(calls: ChainCalls, stream: boolean): ContenderInstance {
  return referenceInstance(calls, stream, undefined, false);
}

const aiFallback: Contender = {
  id: "ai-fallback",
  setup:
    "createFallback({ models: [primary, fallback], modelResetInterval: 0 }) under generateText/streamText; default classifier. modelResetInterval 0 makes every request start at the primary (by default it sticks to the fallback for 3 min, shared across requests)",
  create(calls) {
    const model = createFallback({
      models: [calls.languageModel(PRIMARY), calls.languageModel(FALLBACK)],
      modelResetInterval: 0,
    });
    return { run: () => calls.runModel(model), close: () => Promise.resolve() };
  },
};

const cockatiel: Contender = {
  id: "cockatiel",
  setup:
    "per model wrap(retry(handleAll, { maxAttempts: 0 }), circuitBreaker(handleAll, ConsecutiveBreaker(never))), then fallback(handleAll, next model). No Retry-After, no error classes: retries would repeat a 500 on the same model, so they are off as in every other contender",
  create(calls) {
    const policyFor = (): IPolicy =>
      wrap(
        retry(handleAll, { maxAttempts: 0 }),
        circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(NEVER_TRIPS) }),
      );
    const primary = policyFor();
    const secondary = policyFor();
    const chain = fallback(handleAll, () =>
      secondary.execute(() => calls.runModel(calls.languageModel(FALLBACK))),
    );
    return {
      run: () => chain.execute(() => primary.execute(() => calls.runModel(calls.languageModel(PRIMARY)))),
      close: () => Promise.resolve(),
    };
  },
};

const opossum: Contender = {
  id: "opossum",
  setup:
    "new CircuitBreaker(call, { volumeThreshold: never }) per model, primary.fallback(() => secondary.fire()); default 10 s timeout and rolling stats",
  create(calls) {
    const options = { volumeThreshold: NEVER_TRIPS, resetTimeout: 30_000 };
    const primary = new CircuitBreaker(
      (model: ModelId) => calls.runModel(calls.languageModel(model)),
      options,
    );
    const secondary = new CircuitBreaker(
      (model: ModelId) => calls.runModel(calls.languageModel(model)),
      options,
    );
    primary.fallback(() => secondary.fire(FALLBACK));
    return {
      run: async () => String(await primary.fire(PRIMARY)),
      close: () => {
        // Its rolling-statistics interval would keep the process alive.
        primary.shutdown();
        secondary.shutdown();
        return Promise.resolve();
      },
    };
  },
};

const naiveLoop: Contender = {
  id: "naive-loop",
  setup:
    "for (const model of chain) try { return await call(model) } catch { continue }: no classification, no breaker, no audit",
  create(calls) {
    const chain = [PRIMARY, FALLBACK] as const;
    return {
      async run() {
        let last: unknown;
        for (const model of chain) {
          try {
            return await calls.runModel(calls.languageModel(model));
          } catch (error) {
            last = error;
          }
        }
        throw last;
      },
      close: () => Promise.resolve(),
    };
  },
};

/** Every contender, the reference engine first. */
export const ALL_CONTENDERS: readonly Contender[] = [reference, aiFallback, cockatiel, opossum, naiveLoop];
