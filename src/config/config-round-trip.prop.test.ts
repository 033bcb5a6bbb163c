import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_TYPES } from "../classify/taxonomy.ts";
import { parseConfig } from "./parse-config.ts";
import type { EngineConfig } from "./settings.ts";

// Fixed so a failure replays exactly; FH_SEED explores. FH_DEEP=1 runs ten times as many cases.
const SEED = Number(process.env.FH_SEED ?? 42);
const RUNS = process.env.FH_DEEP === "1" ? 3_000 : 300;

const modelId = fc.constantFrom(
  "openai/gpt-4.1",
  "anthropic/claude-sonnet-4-5",
  "google/gemini-2.5-flash",
  "openrouter/meta-llama/llama-3.3-70b",
  "azure/gpt-4o",
);
const models = fc.uniqueArray(modelId, { minLength: 1, maxLength: 4 });
const ms = fc.integer({ min: 0, max: 10_000_000 });

const backoff = fc
  .record({
    base_ms: fc.integer({ min: 0, max: 60_000 }),
    factor: fc.double({ min: 1, max: 8, noNaN: true }),
    above: fc.integer({ min: 0, max: 60_000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ above, ...p }) => ({ ...p, max_ms: p.base_ms + above }));

/** Every key of `fallback` except chains, each optional, with values the schema accepts. */
const settings = fc.record(
  {
    enabled: fc.boolean(),
    max_retries: fc.integer({ min: 0, max: 10 }),
    circuit_breaker: fc.record(
      {
        enabled: fc.boolean(),
        failure_threshold: fc.integer({ min: 1, max: 10 }),
        window_ms: ms,
        cooldown_ms: ms,
        half_open_probes: fc.integer({ min: 1, max: 5 }),
        success_threshold: fc.integer({ min: 1, max: 5 }),
      },
      { requiredKeys: [] },
    ),
    audit_log: fc.oneof(fc.boolean(), fc.constantFrom("/tmp/fallback.jsonl", "logs/audit.jsonl")),
    backoff: fc.record({ network: backoff, rate_limit: backoff }, { requiredKeys: [] }),
    retry_after_cap_ms: ms,
    deadline_ms: fc.integer({ min: 1, max: 10_000_000 }),
    on_all_open: fc.constantFrom("probe_soonest", "bypass", "fail_fast"),
    promote_on_success: fc.boolean(),
    sticky_ms: ms,
    mid_stream: fc.constantFrom("restart", "fail"),
    ttft_timeout_ms: fc.integer({ min: 1, max: 600_000 }),
    stall_timeout_ms: fc.integer({ min: 1, max: 600_000 }),
    actions: fc.dictionary(
      fc.constantFrom(...ERROR_TYPES),
      fc.constantFrom("retry", "fallback", "compact", "fail"),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: [] },
);

/** A valid opencode.json: global model, agents with their own models and overrides, chains by every key kind. */
const validConfig = fc.record(
  {
    $schema: fc.constant("https://opencode.ai/config.json"),
    theme: fc.string(),
    model: modelId,
    agent: fc.dictionary(
      fc.constantFrom("build", "plan", "review", "general"),
      fc.record(
        { model: modelId, models, fallback: settings, temperature: fc.double({ noNaN: true }) },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
    fallback: fc
      .tuple(
        settings,
        fc.dictionary(fc.oneof(fc.constantFrom("default", "build", "plan"), modelId), models, { maxKeys: 3 }),
      )
      .map(([s, chains]) => ({ ...s, chains })),
  },
  { requiredKeys: [] },
);

/** The effective config written back as an opencode.json: what `validate` prints, in the file's own shape. */
function serialise(config: EngineConfig): unknown {
  return JSON.parse(
    JSON.stringify({
      ...(config.model === undefined ? {} : { model: config.model }),
      agent: config.agent,
      fallback: { ...config.fallback, chains: config.chains },
    }),
  );
}

describe(`config round trip (seed=${SEED})`, () => {
  it("parses every valid config, and parse → effective config → serialise → parse gives the same config", () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const first = parseConfig(raw);
        if (!first.ok) throw new Error(`a valid config was rejected: ${JSON.stringify(first.problems)}`);
        const again = parseConfig(serialise(first.config));
        if (!again.ok)
          throw new Error(`the serialised config was rejected: ${JSON.stringify(again.problems)}`);
        expect(again.config).toEqual(first.config);
        // Serialising is a fixed point after one round.
        expect(serialise(again.config)).toEqual(serialise(first.config));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
