import { describe, it, expect } from "vitest";
import {
  checkConfig,
  parseConfig,
  pointerOf,
  type ConfigProblem,
  type ParseConfigResult,
} from "./parse-config.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";

/** The problems of a config that must fail; fails the test when it parses. */
function problemsOf(raw: unknown): readonly ConfigProblem[] {
  const result = parseConfig(raw);
  if (result.ok) throw new Error("expected the config to be rejected, but it parsed");
  return result.problems;
}

function configOf(raw: unknown) {
  const result: ParseConfigResult = parseConfig(raw);
  if (!result.ok)
    throw new Error(`expected the config to parse: ${result.problems.map((p) => p.message).join("; ")}`);
  return result.config;
}

/** `pointer: message` per problem: the text a user reads, minus the position. */
function messages(raw: unknown): string[] {
  return problemsOf(raw).map((problem) =>
    problem.pointer === "" ? problem.message : `${problem.pointer}: ${problem.message}`,
  );
}

describe("parseConfig defaults", () => {
  it("fills every fallback setting with its SPEC §2 default for an empty object", () => {
    expect(configOf({})).toEqual({ agent: {}, fallback: DEFAULT_SETTINGS, chains: {} });
  });

  it("fills nested defaults around the fields a config sets", () => {
    const config = configOf({
      fallback: { circuit_breaker: { failure_threshold: 5 }, backoff: { rate_limit: { jitter: 0 } } },
    });
    expect(config.fallback.circuit_breaker).toEqual({
      ...DEFAULT_SETTINGS.circuit_breaker,
      failure_threshold: 5,
    });
    expect(config.fallback.backoff).toEqual({
      network: DEFAULT_SETTINGS.backoff.network,
      rate_limit: { ...DEFAULT_SETTINGS.backoff.rate_limit, jitter: 0 },
    });
    expect(config.fallback.max_retries).toBe(3);
  });

  it("moves fallback.chains into chains and keeps per-agent overrides raw", () => {
    const config = configOf({
      model: "anthropic/claude-sonnet-4-5",
      agent: { build: { model: "openai/gpt-4.1", models: ["openai/gpt-4.1"], fallback: { max_retries: 0 } } },
      fallback: { chains: { default: ["anthropic/claude-sonnet-4-5", "openai/gpt-4.1"] }, max_retries: 1 },
    });
    expect(config.model).toBe("anthropic/claude-sonnet-4-5");
    expect(config.chains).toEqual({ default: ["anthropic/claude-sonnet-4-5", "openai/gpt-4.1"] });
    expect(config.agent).toEqual({
      build: { model: "openai/gpt-4.1", models: ["openai/gpt-4.1"], fallback: { max_retries: 0 } },
    });
    expect(config.fallback.max_retries).toBe(1);
    expect(config.fallback).not.toHaveProperty("chains");
  });

  it("ignores keys OpenCode owns, at the top level and inside an agent", () => {
    const config = configOf({
      $schema: "https://opencode.ai/config.json",
      theme: "opencode",
      small_model: 42,
      provider: { openai: { options: {} } },
      agent: { build: { prompt: "be brief", tools: { write: false }, temperature: "hot" } },
    });
    expect(config).toEqual({ agent: { build: {} }, fallback: DEFAULT_SETTINGS, chains: {} });
  });

  it("accepts model ids whose model part contains slashes, and duplicate models in a chain", () => {
    const config = configOf({
      fallback: {
        chains: { default: ["openrouter/anthropic/claude-sonnet-4.5", "openai/gpt-4.1", "openai/gpt-4.1"] },
      },
    });
    expect(config.chains["default"]).toHaveLength(3);
  });

  it("accepts audit_log as false or a path, and every enum value", () => {
    expect(configOf({ fallback: { audit_log: false } }).fallback.audit_log).toBe(false);
    expect(configOf({ fallback: { audit_log: "/tmp/a.jsonl" } }).fallback.audit_log).toBe("/tmp/a.jsonl");
    for (const on_all_open of ["probe_soonest", "bypass", "fail_fast"]) {
      expect(configOf({ fallback: { on_all_open } }).fallback.on_all_open).toBe(on_all_open);
    }
    expect(configOf({ fallback: { mid_stream: "fail" } }).fallback.mid_stream).toBe("fail");
  });

  it("accepts the lower bound of every range", () => {
    const config = configOf({
      fallback: {
        max_retries: 0,
        circuit_breaker: {
          failure_threshold: 1,
          half_open_probes: 1,
          success_threshold: 1,
          window_ms: 0,
          cooldown_ms: 0,
        },
        backoff: { network: { base_ms: 0, factor: 1, max_ms: 0, jitter: 0 }, rate_limit: { jitter: 1 } },
        deadline_ms: 1,
        ttft_timeout_ms: 1,
        stall_timeout_ms: 1,
        sticky_ms: 0,
        retry_after_cap_ms: 0,
      },
    });
    expect(config.fallback.backoff.network).toEqual({ base_ms: 0, factor: 1, max_ms: 0, jitter: 0 });
    expect(config.fallback.deadline_ms).toBe(1);
  });
});

describe("parseConfig messages", () => {
  it("names an unknown fallback key and suggests the closest one", () => {
    const [problem] = problemsOf({ fallback: { max_retry: 2 } });
    expect(problem).toEqual({
      path: ["fallback", "max_retry"],
      pointer: "fallback.max_retry",
      message: 'unknown key "max_retry"; did you mean "max_retries"?',
      expected: expect.stringContaining("max_retries"),
      received: '"max_retry"',
      suggestion: "max_retries",
    });
  });

  it("suggests keys inside nested objects from that object's own keys", () => {
    expect(
      messages({
        fallback: {
          circuit_breakers: {},
          circuit_breaker: { cooldown: 1 },
          backoff: { netwrok: {}, rate_limit: { base: 1 } },
        },
      }),
    ).toEqual([
      'fallback.circuit_breakers: unknown key "circuit_breakers"; did you mean "circuit_breaker"?',
      'fallback.circuit_breaker.cooldown: unknown key "cooldown"; did you mean "cooldown_ms"?',
      'fallback.backoff.netwrok: unknown key "netwrok"; did you mean "network"?',
      'fallback.backoff.rate_limit.base: unknown key "base"; did you mean "base_ms"?',
    ]);
  });

  it("lists the known keys when nothing is close to an unknown one", () => {
    const [problem] = problemsOf({ fallback: { backoff: { network: { temperature: 1 } } } });
    expect(problem?.message).toBe(
      'unknown key "temperature"; remove it or use one of base_ms, factor, max_ms, jitter',
    );
    expect(problem?.suggestion).toBeUndefined();
  });

  it("rejects unknown keys in an agent's fallback block too", () => {
    expect(messages({ agent: { build: { fallback: { max_retry: 1 } } } })).toEqual([
      'agent.build.fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?',
    ]);
  });

  it("rejects chains inside an agent's fallback block and points to agent.<a>.models", () => {
    expect(messages({ agent: { build: { fallback: { chains: { default: ["a/b"] } } } } })).toEqual([
      "agent.build.fallback.chains: chains are global; use agent.build.models",
    ]);
  });

  it("names an unknown error type in actions with a suggestion, and a bad action with the allowed ones", () => {
    expect(messages({ fallback: { actions: { NetworkTransiant: "retry", LogicError: "skip" } } })).toEqual([
      'fallback.actions.NetworkTransiant: unknown error type "NetworkTransiant"; did you mean "NetworkTransient"?',
      'fallback.actions.LogicError: expected one of "retry", "fallback", "compact" or "fail", received "skip"',
    ]);
  });

  it("rejects a model id without a provider, naming the position in the list", () => {
    expect(
      messages({ model: "openai", agent: { build: { model: 7, models: ["openai/gpt-4.1", "gpt-4o"] } } }),
    ).toEqual([
      'model: expected a model id of the form "provider/model", received "openai"',
      'agent.build.model: expected a model id of the form "provider/model", received 7',
      'agent.build.models[1]: expected a model id of the form "provider/model", received "gpt-4o"',
    ]);
  });

  it("rejects an empty chain and an empty agent model list", () => {
    expect(messages({ fallback: { chains: { default: [] } }, agent: { build: { models: [] } } })).toEqual([
      "fallback.chains.default: a chain needs at least one model; add a model id or remove the chain",
      "agent.build.models: a model list needs at least one model; add a model id or remove agent.build.models",
    ]);
  });

  it("quotes a chain name that is a model id in the pointer", () => {
    expect(messages({ fallback: { chains: { "openai/gpt-4.1": ["gpt-4.1-mini"] } } })).toEqual([
      'fallback.chains["openai/gpt-4.1"][0]: expected a model id of the form "provider/model", received "gpt-4.1-mini"',
    ]);
  });

  it("rejects negative and fractional durations", () => {
    const [negative] = problemsOf({ fallback: { circuit_breaker: { cooldown_ms: -5 } } });
    expect(negative).toEqual({
      path: ["fallback", "circuit_breaker", "cooldown_ms"],
      pointer: "fallback.circuit_breaker.cooldown_ms",
      message: "expected a non-negative integer of milliseconds, received -5",
      expected: "a non-negative integer of milliseconds",
      received: "-5",
    });
    expect(messages({ fallback: { sticky_ms: 1.5 } })).toEqual([
      "fallback.sticky_ms: expected a non-negative integer of milliseconds, received 1.5",
    ]);
  });

  it("requires deadline, first-token and stall timeouts of at least 1 ms", () => {
    expect(messages({ fallback: { deadline_ms: 0, ttft_timeout_ms: 0, stall_timeout_ms: 0 } })).toEqual([
      "fallback.deadline_ms: expected a positive integer of milliseconds, received 0",
      "fallback.ttft_timeout_ms: expected a positive integer of milliseconds, received 0",
      "fallback.stall_timeout_ms: expected a positive integer of milliseconds, received 0",
    ]);
  });

  it("requires counts in range: max_retries ≥ 0, thresholds and probes ≥ 1", () => {
    expect(
      messages({
        fallback: {
          max_retries: -1,
          circuit_breaker: { failure_threshold: 0, half_open_probes: 0, success_threshold: 2.5 },
        },
      }),
    ).toEqual([
      "fallback.max_retries: expected a non-negative integer, received -1",
      "fallback.circuit_breaker.failure_threshold: expected an integer of at least 1, received 0",
      "fallback.circuit_breaker.half_open_probes: expected an integer of at least 1, received 0",
      "fallback.circuit_breaker.success_threshold: expected an integer of at least 1, received 2.5",
    ]);
  });

  it("checks backoff factor and jitter ranges", () => {
    expect(
      messages({
        fallback: { backoff: { network: { factor: 0.5, jitter: 1.5 }, rate_limit: { jitter: -0.1 } } },
      }),
    ).toEqual([
      "fallback.backoff.network.factor: expected a number of at least 1, received 0.5",
      "fallback.backoff.network.jitter: expected a number between 0 and 1, received 1.5",
      "fallback.backoff.rate_limit.jitter: expected a number between 0 and 1, received -0.1",
    ]);
  });

  it("requires max_ms ≥ base_ms, counting defaults and global values an override builds on", () => {
    expect(messages({ fallback: { backoff: { network: { max_ms: 500 } } } })).toEqual([
      "fallback.backoff.network.max_ms: expected an integer of milliseconds ≥ base_ms (1000), received 500",
    ]);
    expect(
      messages({
        fallback: { backoff: { rate_limit: { max_ms: 10_000 } } },
        agent: { build: { fallback: { backoff: { rate_limit: { base_ms: 20_000 } } } } },
      }),
    ).toEqual([
      "agent.build.fallback.backoff.rate_limit.base_ms: expected an integer of milliseconds ≤ max_ms (10000), received 20000",
    ]);
  });

  it("accepts an agent override whose bounds are consistent once merged", () => {
    const config = configOf({
      fallback: { backoff: { network: { base_ms: 100, max_ms: 200 } } },
      agent: { build: { fallback: { backoff: { network: { max_ms: 150 } } } } },
    });
    expect(config.agent["build"]?.fallback?.backoff?.network).toEqual({ max_ms: 150 });
  });

  it("rejects audit_log values other than a boolean or a non-empty path", () => {
    expect(messages({ fallback: { audit_log: "" } })).toEqual([
      'fallback.audit_log: expected true, false or a non-empty file path, received ""',
    ]);
    expect(messages({ fallback: { audit_log: 1 } })).toEqual([
      "fallback.audit_log: expected true, false or a non-empty file path, received 1",
    ]);
  });

  it("rejects values outside the on_all_open and mid_stream enums", () => {
    expect(messages({ fallback: { on_all_open: "wait", mid_stream: true } })).toEqual([
      'fallback.on_all_open: expected one of "probe_soonest", "bypass" or "fail_fast", received "wait"',
      'fallback.mid_stream: expected "restart" or "fail", received true',
    ]);
  });

  it("describes containers by their shape rather than printing them", () => {
    expect(
      messages({ fallback: { enabled: [1, 2], promote_on_success: {} }, agent: { build: "fast" } }),
    ).toEqual([
      "fallback.enabled: expected true or false, received an array of 2 items",
      "fallback.promote_on_success: expected true or false, received {}",
      'agent.build: expected an object of agent settings, received "fast"',
    ]);
  });

  it("cuts long string values short", () => {
    const [problem] = problemsOf({ model: "x".repeat(100) });
    expect(problem?.received).toBe(JSON.stringify(`${"x".repeat(39)}…`));
  });

  it("lists problems in the order their keys appear", () => {
    expect(
      messages({ fallback: { zeta: 1, max_retries: -1, alpha: 2 }, model: "x" }).map(
        (line) => line.split(":")[0],
      ),
    ).toEqual(["fallback.zeta", "fallback.max_retries", "fallback.alpha", "model"]);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({
      model: "gpt-4o",
      agent: { build: { models: [] } },
      fallback: {
        max_retry: 2,
        circuit_breaker: { cooldown_ms: -5 },
        chains: { default: [] },
        on_all_open: 3,
      },
    });
    expect(problems.map((problem) => problem.pointer).sort()).toEqual([
      "agent.build.models",
      "fallback.chains.default",
      "fallback.circuit_breaker.cooldown_ms",
      "fallback.max_retry",
      "fallback.on_all_open",
      "model",
    ]);
  });
});

describe("parseConfig on junk", () => {
  const junk: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "opencode.json"],
    ["an array", [{ fallback: {} }]],
    ["a function", () => ({})],
  ];

  for (const [name, value] of junk) {
    it(`rejects ${name} at the root without throwing`, () => {
      const [problem] = problemsOf(value);
      expect(problem?.pointer).toBe("");
      expect(problem?.path).toEqual([]);
      expect(problem?.message).toMatch(/^expected a JSON object, received /);
    });
  }

  it("rejects wrong container types at every owned key", () => {
    expect(messages({ agent: [], fallback: "on" })).toEqual([
      "agent: expected an object mapping agent names to agent settings, received []",
      'fallback: expected an object of fallback settings, received "on"',
    ]);
    expect(
      messages({
        fallback: { circuit_breaker: null, backoff: { network: 1 }, actions: [], chains: { a: "x/y" } },
      }),
    ).toEqual([
      "fallback.circuit_breaker: expected an object of circuit-breaker settings, received null",
      "fallback.backoff.network: expected an object with base_ms, factor, max_ms and jitter, received 1",
      "fallback.actions: expected an object mapping an error type to an action, received []",
      'fallback.chains.a: expected a non-empty array of model ids, received "x/y"',
    ]);
  });

  it("survives deep nesting and cycles in keys it ignores and keys it owns", () => {
    let deep: unknown = {};
    for (let level = 0; level < 10_000; level += 1) deep = { fallback: deep, agent: [deep] };
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    cyclic["fallback"] = { circuit_breaker: cyclic };
    expect(parseConfig({ ignored: deep }).ok).toBe(true);
    expect(parseConfig(deep).ok).toBe(false);
    expect(problemsOf(cyclic)[0]?.pointer).toBe("fallback.circuit_breaker.self");
  });

  it("turns a value that throws when read into a problem", () => {
    const hostile = {
      get fallback(): never {
        throw new Error("boom");
      },
    };
    expect(messages(hostile)).toEqual(["could not read the configuration (boom); pass plain JSON data"]);
  });
});

describe("parseConfig: how a received value is shown", () => {
  const receivedAtRoot = (value: unknown): string | undefined => problemsOf(value)[0]?.received;

  it("names what a non-JSON root is", () => {
    expect(receivedAtRoot(undefined)).toBe("nothing");
    expect(receivedAtRoot(12n)).toBe("12");
    expect(receivedAtRoot(true)).toBe("true");
    expect(receivedAtRoot(() => ({}))).toBe("a function");
    expect(receivedAtRoot(Symbol("s"))).toBe("a symbol");
    expect(receivedAtRoot(null)).toBe("null");
  });

  it("counts array items in the singular and the plural, and tells an empty object from a full one", () => {
    expect(messages({ model: ["openai/gpt-4.1"] })).toEqual([
      'model: expected a model id of the form "provider/model", received an array of 1 item',
    ]);
    expect(messages({ model: { provider: "openai" } })).toEqual([
      'model: expected a model id of the form "provider/model", received an object',
    ]);
  });

  it("keeps a string of 40 characters whole", () => {
    const exact = "x".repeat(40);
    expect(problemsOf({ model: exact })[0]?.received).toBe(JSON.stringify(exact));
  });
});

describe("parseConfig: pointers", () => {
  it("writes plain keys with dots and quotes every other key in brackets", () => {
    expect(pointerOf([])).toBe("");
    expect(pointerOf(["agent", "my agent", "models", 0])).toBe('agent["my agent"].models[0]');
    expect(pointerOf(["a", "$x", "_y", "d-e", "9z", "é"])).toBe('a.$x._y.d-e["9z"]["é"]');
    expect(pointerOf(["x.y"])).toBe('["x.y"]');
  });

  it("points at an agent whose name is not a plain key", () => {
    expect(messages({ agent: { "my agent": { fallback: { max_retry: 1 } } } })).toEqual([
      'agent["my agent"].fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?',
    ]);
  });
});

describe("parseConfig: backoff bounds", () => {
  it("reports an invalid bound once, as the schema did, without comparing it", () => {
    expect(messages({ fallback: { backoff: { network: { base_ms: -1, max_ms: 5 } } } })).toEqual([
      "fallback.backoff.network.base_ms: expected a non-negative integer of milliseconds, received -1",
    ]);
    expect(messages({ fallback: { backoff: { network: { base_ms: 10, max_ms: 1.5 } } } })).toEqual([
      "fallback.backoff.network.max_ms: expected a non-negative integer of milliseconds, received 1.5",
    ]);
  });

  it("accepts max_ms equal to base_ms", () => {
    expect(parseConfig({ fallback: { backoff: { network: { base_ms: 700, max_ms: 700 } } } }).ok).toBe(true);
  });

  it("blames max_ms when a config sets both bounds the wrong way round", () => {
    const [problem] = problemsOf({ fallback: { backoff: { rate_limit: { base_ms: 5000, max_ms: 4000 } } } });
    expect(problem).toEqual({
      path: ["fallback", "backoff", "rate_limit", "max_ms"],
      pointer: "fallback.backoff.rate_limit.max_ms",
      message: "expected an integer of milliseconds ≥ base_ms (5000), received 4000",
      expected: "an integer of milliseconds ≥ base_ms (5000)",
      received: "4000",
    });
  });

  it("blames base_ms when only base_ms passes the inherited max_ms", () => {
    const [problem] = problemsOf({ fallback: { backoff: { network: { base_ms: 40_000 } } } });
    expect(problem?.pointer).toBe("fallback.backoff.network.base_ms");
    expect(problem?.message).toBe("expected an integer of milliseconds ≤ max_ms (30000), received 40000");
  });

  it("does not blame an agent for bounds it only inherits", () => {
    expect(
      messages({
        fallback: { backoff: { network: { max_ms: 500 } } },
        agent: { build: { fallback: { backoff: { network: { jitter: 0 } } } }, plan: {} },
      }),
    ).toEqual([
      "fallback.backoff.network.max_ms: expected an integer of milliseconds ≥ base_ms (1000), received 500",
    ]);
  });

  it("checks an agent's bounds against the global bounds it builds on, for each family", () => {
    expect(
      messages({
        fallback: { backoff: { network: { base_ms: 100, max_ms: 200 } } },
        agent: {
          build: { fallback: { backoff: { network: { base_ms: 300 }, rate_limit: { max_ms: 10 } } } },
        },
      }),
    ).toEqual([
      "agent.build.fallback.backoff.network.base_ms: expected an integer of milliseconds ≤ max_ms (200), received 300",
      "agent.build.fallback.backoff.rate_limit.max_ms: expected an integer of milliseconds ≥ base_ms (2000), received 10",
    ]);
  });
});

describe("parseConfig: exotic inputs", () => {
  it("reports a non-Error thrown while reading with its text", () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- hostile input may throw anything
          throw "no keys today";
        },
      },
    );
    expect(messages(hostile)).toEqual([
      "could not read the configuration (no keys today); pass plain JSON data",
    ]);
  });
});

describe("parseConfig: round 2 details", () => {
  it("says whether each problem is about a key or a value", () => {
    const checked = checkConfig({
      fallback: { max_retry: 1, sticky_ms: -1 },
      agent: { build: { fallback: { chains: {} } } },
    });
    if (checked.ok) throw new Error("expected problems");
    expect(checked.problems.map(({ problem, target }) => `${problem.pointer} ${target}`)).toEqual([
      "fallback.max_retry key",
      "fallback.sticky_ms value",
      "agent.build.fallback.chains key",
    ]);
  });

  it("tells where chains belong only for an agent's own fallback block", () => {
    const [inAgent] = problemsOf({ agent: { build: { fallback: { chains: {} } } } });
    expect(inAgent?.expected).toBe("no chains here (use agent.build.models or fallback.chains)");
    expect(messages({ fallback: { backoff: { network: { chains: 1 } } } })).toEqual([
      'fallback.backoff.network.chains: unknown key "chains"; remove it or use one of base_ms, factor, max_ms, jitter',
    ]);
    expect(messages({ agent: { build: { fallback: { backoff: { chains: 1 } } } } })).toEqual([
      'agent.build.fallback.backoff.chains: unknown key "chains"; remove it or use one of network, rate_limit',
    ]);
  });

  it("lists the known keys as the expectation, and has no suggestion field without a suggestion", () => {
    const [problem] = problemsOf({ fallback: { backoff: { network: { temperature: 1 } } } });
    expect(problem?.expected).toBe("one of base_ms, factor, max_ms, jitter");
    expect(problem !== undefined && Object.hasOwn(problem, "suggestion")).toBe(false);
  });

  it("compares only valid bounds: a negative max_ms is reported once, a zero one is compared", () => {
    expect(messages({ fallback: { backoff: { network: { max_ms: -1 } } } })).toEqual([
      "fallback.backoff.network.max_ms: expected a non-negative integer of milliseconds, received -1",
    ]);
    expect(messages({ fallback: { backoff: { network: { base_ms: 5, max_ms: 0 } } } })).toEqual([
      "fallback.backoff.network.max_ms: expected an integer of milliseconds ≥ base_ms (5), received 0",
    ]);
  });

  it("does not compare an agent's bounds with global bounds that are themselves invalid", () => {
    expect(
      messages({
        fallback: { backoff: { network: { max_ms: -1 } } },
        agent: { build: { fallback: { backoff: { network: { jitter: 0 } } } } },
      }),
    ).toEqual([
      "fallback.backoff.network.max_ms: expected a non-negative integer of milliseconds, received -1",
    ]);
  });

  it("leaves out the fields a config does not set, rather than setting them to undefined", () => {
    const config = configOf({ agent: { build: { prompt: "be brief" }, plan: { model: "openai/gpt-4.1" } } });
    expect(config).toStrictEqual({
      agent: { build: {}, plan: { model: "openai/gpt-4.1" } },
      fallback: DEFAULT_SETTINGS,
      chains: {},
    });
  });

  it("describes a value it could not read in plain words", () => {
    const hostile = {
      get fallback(): never {
        throw new Error("boom");
      },
    };
    expect(problemsOf(hostile)).toEqual([
      {
        path: [],
        pointer: "",
        message: "could not read the configuration (boom); pass plain JSON data",
        expected: "plain JSON data",
        received: "a value that could not be read",
      },
    ]);
  });
});
