import fc from "fast-check";
import { BODY_REASONS, HTTP_REASONS, type FaultBindingInput, type FaultInput } from "../fleet/faults.ts";
import type { scenarioSchema } from "../scenario/schema.ts";
import type { z } from "zod";

/** A scenario as written in a file (durations in milliseconds): what the property generates and shrinks. */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Models the fleet serves, at least one per provider, so chains cross wire formats. */
export const FLEET_MODELS = [
  "openai/gpt-4.1",
  "anthropic/claude-sonnet-4-5",
  "google/gemini-2.5-flash",
  "openrouter/meta-llama/llama-3.3-70b-instruct",
  "azure/gpt-4o",
  "openai/gpt-4o",
] as const;

// max_ms ≥ base_ms, as the config schema demands.
const backoff = (maxBase: number): fc.Arbitrary<Record<string, number>> =>
  fc
    .record({
      base_ms: fc.integer({ min: 0, max: maxBase }),
      factor: fc.constantFrom(1, 1.5, 2, 3),
      above: fc.integer({ min: 0, max: 8 * maxBase }),
      jitter: fc.constantFrom(0, 0.1, 0.25, 0.5),
    })
    .map(({ above, ...policy }) => ({ ...policy, max_ms: policy.base_ms + above }));

/** A `fallback` block with every knob the failover loop reads drawn at random, in ranges a virtual run crosses. */
const fallbackArbitrary = fc.record(
  {
    enabled: fc.oneof(
      { weight: 5, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    max_retries: fc.integer({ min: 0, max: 3 }),
    circuit_breaker: fc.record(
      {
        enabled: fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        failure_threshold: fc.integer({ min: 1, max: 4 }),
        window_ms: fc.integer({ min: 1_000, max: 120_000 }),
        cooldown_ms: fc.integer({ min: 500, max: 90_000 }),
        half_open_probes: fc.integer({ min: 1, max: 3 }),
        success_threshold: fc.integer({ min: 1, max: 2 }),
      },
      { requiredKeys: [] },
    ),
    backoff: fc.record({ network: backoff(2_000), rate_limit: backoff(4_000) }, { requiredKeys: [] }),
    retry_after_cap_ms: fc.constantFrom(0, 5_000, 30_000, 60_000),
    deadline_ms: fc.oneof(fc.integer({ min: 500, max: 20_000 }), fc.integer({ min: 20_000, max: 300_000 })),
    on_all_open: fc.constantFrom("probe_soonest", "bypass", "fail_fast"),
    promote_on_success: fc.boolean(),
    sticky_ms: fc.integer({ min: 1_000, max: 120_000 }),
    mid_stream: fc.constantFrom("restart", "fail"),
    ttft_timeout_ms: fc.integer({ min: 1_000, max: 60_000 }),
    stall_timeout_ms: fc.integer({ min: 1_000, max: 30_000 }),
  },
  { requiredKeys: [] },
);

/** An opencode.json: a chain of 1–4 distinct fleet models under `fallback.chains.default`. */
export const configArbitrary = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...FLEET_MODELS), { minLength: 1, maxLength: 4 }), fallbackArbitrary)
  .map(([chain, fallback]) => ({
    model: chain[0] ?? FLEET_MODELS[0],
    fallback: { ...fallback, chains: { default: chain } },
  }));

const small = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });

/** Any fault of the fleet's catalogue, with parameters in ranges that matter for a virtual run. */
export const faultArbitrary: fc.Arbitrary<FaultInput> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("http_error" as const),
      reason: fc.constantFrom(...HTTP_REASONS),
      retry_after: fc.constantFrom(0, 1, 5, 30, 120),
      retry_after_ms: fc.constantFrom(0, 250, 2_000, 90_000),
    },
    { requiredKeys: ["kind", "reason"] },
  ),
  fc.record({ kind: fc.constant("error_in_200" as const), reason: fc.constantFrom(...BODY_REASONS) }),
  fc.record({
    kind: fc.constant("html_gateway" as const),
    status: fc.constantFrom(502 as const, 503 as const, 504 as const),
  }),
  fc.record({
    kind: fc.constant("stream_error" as const),
    reason: fc.constantFrom(...BODY_REASONS),
    after_tokens: small(3),
  }),
  fc.record({ kind: fc.constant("stream_cut" as const), after_chunks: small(4) }),
  fc.record(
    {
      kind: fc.constant("stall" as const),
      duration: fc.integer({ min: 1, max: 90_000 }),
      after_tokens: small(3),
    },
    { requiredKeys: ["kind", "after_tokens"] },
  ),
  fc.record({ kind: fc.constant("slow_ttft" as const), delay: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({ kind: fc.constant("dribble" as const), interval: fc.integer({ min: 0, max: 3_000 }) }),
  fc.record({ kind: fc.constant("malformed_chunk" as const), at_chunk: small(3) }),
  fc.record(
    { kind: fc.constant("no_end_marker" as const), after_tokens: small(4) },
    { requiredKeys: ["kind"] },
  ),
  fc.record({
    kind: fc.constant("latency" as const),
    distribution: fc.record({ type: fc.constant("fixed" as const), ms: fc.integer({ min: 0, max: 30_000 }) }),
  }),
  fc.constantFrom<FaultInput>(
    { kind: "connection_refused" },
    { kind: "reset_before_bytes" },
    { kind: "empty_response" },
    { kind: "garbage_then_close", bytes: 32 },
    { kind: "split_frames", max_piece_bytes: 3 },
  ),
  fc.record(
    {
      kind: fc.constant("content_filter" as const),
      mode: fc.constantFrom("output" as const, "prompt" as const),
      after_tokens: small(2),
    },
    { requiredKeys: ["kind", "after_tokens"] },
  ),
  fc.record({
    kind: fc.constant("token_bucket" as const),
    limit: fc.integer({ min: 1, max: 3 }),
    per: fc.integer({ min: 1_000, max: 60_000 }),
  }),
  fc.record({ kind: fc.constant("auth_revoked" as const), at: fc.integer({ min: 0, max: 60_000 }) }),
);

/** When a binding fires: any mix of a hit count, a window on the fleet clock, and a seeded probability. */
const whenArbitrary = fc
  .record(
    {
      times: fc.integer({ min: 1, max: 6 }),
      from: fc.integer({ min: 0, max: 60_000 }),
      span: fc.integer({ min: 1, max: 120_000 }),
      probability: fc.constantFrom(0.25, 0.5, 0.9),
    },
    { requiredKeys: [] },
  )
  .map(({ span, ...rest }) =>
    rest.from !== undefined && span !== undefined ? { ...rest, until: rest.from + span } : rest,
  );

function bindingsFor(chain: readonly string[]): fc.Arbitrary<FaultBindingInput[]> {
  const targets = [...chain, ...new Set(chain.map((m) => m.slice(0, m.indexOf("/")))), "*"];
  return fc.array(
    fc.record(
      { target: fc.constantFrom(...targets), fault: faultArbitrary, when: whenArbitrary },
      { requiredKeys: ["target", "fault"] },
    ),
    { maxLength: 4 },
  );
}

/** 1–30 requests, each its own traffic line (so request `i` is index `i` in send order), some concurrent, some cancelled. */
const trafficArbitrary = fc
  .array(
    fc.record({
      gap: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 120_000 }) },
      ),
      stream: fc.boolean(),
      // About one request in seven is cancelled by its caller.
      cancel: fc.option(fc.integer({ min: 0, max: 30_000 }), { freq: 6, nil: null }),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .map((lines) => {
    let at = 0;
    return lines.map(({ gap, stream, cancel }, i) => {
      at += gap;
      return {
        label: `r${i}`,
        at,
        stream,
        ...(cancel === null ? {} : { cancel_after: cancel }),
        prompt: `Request ${i}: answer with the canonical text.`,
      };
    });
  });

/** A whole scenario: random config × random fault bindings × random traffic, on the virtual clock. */
export const scenarioArbitrary: fc.Arbitrary<ScenarioInput> = configArbitrary.chain((config) =>
  fc
    .record({
      faults: bindingsFor(config.fallback.chains.default),
      traffic: trafficArbitrary,
      compaction: fc.boolean(),
      seed: fc.nat(1_000_000),
    })
    .map(({ faults, traffic, compaction, seed }): ScenarioInput => ({
      id: "engine-under-random-faults",
      title: "Engine under a random fault schedule",
      description: "Generated by harness/properties/scenario-arbitrary.ts.",
      seed,
      clock: "virtual",
      transport: "inproc",
      compaction,
      content: "canonical",
      config,
      traffic,
      faults,
    })),
);
