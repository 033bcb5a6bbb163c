import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configDisagreements } from "../oracle/config-agreement-law.ts";
import { readConfigText, readConfigValue } from "../oracle/config-reading.ts";
import { engineReadingOf, engineReadingOfText } from "./engine-config-reading.ts";

// Fixed so a failure replays exactly; change it to explore, and keep a failing one as a regression.
const SEED = 1212;

const modelId = fc.constantFrom(
  "openai/gpt-4.1",
  "anthropic/claude-sonnet-4-5",
  "google/gemini-2.5-pro",
  "openrouter/anthropic/claude-sonnet-4.5",
);
const models = fc.uniqueArray(modelId, { minLength: 1, maxLength: 4 });
const agentName = fc.constantFrom("build", "plan", "review", "constructor", "openai/gpt-4.1");
const millis = fc.integer({ min: 0, max: 7_200_000 });
const positive = fc.integer({ min: 1, max: 7_200_000 });
const count1 = fc.integer({ min: 1, max: 6 });

const backoffPolicy = fc.record(
  {
    base_ms: fc.integer({ min: 0, max: 5_000 }),
    factor: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ min: 1, max: 4, noNaN: true })),
    max_ms: fc.integer({ min: 5_000, max: 120_000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** Every §2 setting, each present or absent, with values anywhere in its legal range. */
const settings = fc.record(
  {
    enabled: fc.boolean(),
    max_retries: fc.integer({ min: 0, max: 6 }),
    circuit_breaker: fc.record(
      {
        enabled: fc.boolean(),
        failure_threshold: count1,
        window_ms: millis,
        cooldown_ms: millis,
        half_open_probes: count1,
        success_threshold: count1,
      },
      { requiredKeys: [] },
    ),
    audit_log: fc.oneof(fc.boolean(), fc.constantFrom("audit.jsonl", "/tmp/fallback.jsonl")),
    backoff: fc.record({ network: backoffPolicy, rate_limit: backoffPolicy }, { requiredKeys: [] }),
    retry_after_cap_ms: millis,
    deadline_ms: positive,
    on_all_open: fc.constantFrom("probe_soonest", "bypass", "fail_fast"),
    promote_on_success: fc.boolean(),
    sticky_ms: millis,
    mid_stream: fc.constantFrom("restart", "fail"),
    ttft_timeout_ms: positive,
    stall_timeout_ms: positive,
    actions: fc.dictionary(
      fc.constantFrom(
        "ContextLength",
        "NetworkPermanent",
        "ProviderRateLimit",
        "NetworkTransient",
        "ProviderError",
        "LogicError",
      ),
      fc.constantFrom("retry", "fallback", "compact", "fail"),
    ),
  },
  { requiredKeys: [] },
);

const agent = fc.record(
  { model: modelId, models, fallback: settings, prompt: fc.constant("OpenCode's own key, ignored") },
  { requiredKeys: [] },
);

/** Valid configs: global settings, chains keyed by agent, model or `default`, and agents with overrides. */
const validConfig = fc.record(
  {
    model: modelId,
    agent: fc.dictionary(agentName, agent, { maxKeys: 3 }),
    fallback: fc
      .tuple(settings, fc.dictionary(fc.oneof(agentName, fc.constant("default")), models, { maxKeys: 3 }))
      .map(([s, chains]) => ({ ...s, chains })),
    $schema: fc.constant("https://opencode.ai/config.json"),
  },
  { requiredKeys: [] },
);

/** A wrong value or a typo'd key planted somewhere in a valid config. */
const mistake = fc.constantFrom<[readonly string[], unknown]>(
  [["fallback", "max_retry"], 3],
  [["fallback", "max_retries"], -1],
  [["fallback", "circuit_breaker", "success_threshold"], 0],
  [["fallback", "circuit_breaker", "windowms"], 1000],
  [["fallback", "backoff", "network", "jitter"], 1.5],
  [["fallback", "backoff", "rate_limit", "max_ms"], 10],
  [["fallback", "on_all_open"], "probe"],
  [["fallback", "mid_stream"], true],
  [["fallback", "deadline_ms"], 0],
  [["fallback", "actions", "Timeout"], "retry"],
  [["fallback", "actions", "LogicError"], "skip"],
  [["fallback", "audit_log"], ""],
  [["agent", "build", "fallback", "chains"], { default: ["openai/gpt-4.1"] }],
  [["agent", "build", "models"], []],
  [["agent", "build", "fallback", "backoff", "network", "base_ms"], 999_999],
  [["model"], "gpt-4.1"],
);

function planted(config: Record<string, unknown>, [path, value]: [readonly string[], unknown]): unknown {
  const copy = structuredClone(config);
  let node: Record<string, unknown> = copy;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  });
  node[path.at(-1) ?? ""] = value;
  return copy;
}

describe(`the oracle's and the engine's readings of generated configs agree (seed ${SEED})`, () => {
  it("on valid configs: same defaults, chains, primaries and per-agent merged settings", () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const oracle = readConfigValue(raw);
        expect(configDisagreements(oracle, engineReadingOf(raw))).toEqual([]);
        expect(oracle.ok).toBe(true);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("on configs with one planted mistake: both reject it at the same JSON paths", () => {
    fc.assert(
      fc.property(validConfig, mistake, (raw, wrong) => {
        const bad = planted(raw, wrong);
        const oracle = readConfigValue(bad);
        expect(configDisagreements(oracle, engineReadingOf(bad))).toEqual([]);
        expect(oracle.ok).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("on the JSON text of a config: comments allowed, the same reading as the value's", () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const text = `// generated\n${JSON.stringify(raw, null, 2)}`;
        expect(configDisagreements(readConfigText(text), engineReadingOfText(text))).toEqual([]);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
