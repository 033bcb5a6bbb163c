import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseConfig, pointerOf } from "./parse-config.ts";
import { settingsFor } from "./settings-for.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";
import { parseConfigText } from "../node/load-config-file.ts";

// Fixed so a failure replays exactly; change it to explore, and keep a failing one as a regression.
const SEED = 141;

/** Junk built from `leaf` values that reaches the keys the engine owns, not only the root. */
function junkConfig(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const fallback = fc.record(
    { circuit_breaker: leaf, backoff: leaf, chains: leaf, actions: leaf, max_retries: leaf },
    { requiredKeys: [] },
  );
  const agent = fc.dictionary(
    fc.string(),
    fc.record({ models: leaf, fallback: fc.oneof(leaf, fallback) }, { requiredKeys: [] }),
  );
  return fc.oneof(
    leaf,
    fc.record(
      { model: leaf, agent: fc.oneof(leaf, agent), fallback: fc.oneof(leaf, fallback) },
      { requiredKeys: [] },
    ),
  );
}

describe(`parseConfig properties (seed ${SEED})`, () => {
  it("never throws, and every rejection carries consistent, non-empty problems", () => {
    fc.assert(
      fc.property(junkConfig(fc.anything()), (raw) => {
        const result = parseConfig(raw);
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem.pointer).toBe(pointerOf(problem.path));
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.received.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("agrees with parseConfigText on the JSON text of the same value", () => {
    fc.assert(
      fc.property(junkConfig(fc.jsonValue()), (raw) => {
        const direct = parseConfig(raw);
        const fromText = parseConfigText(JSON.stringify(raw));
        expect(fromText.ok).toBe(direct.ok);
        if (!direct.ok && !fromText.ok) {
          expect(fromText.problems.map((p) => p.pointer).sort()).toEqual(
            direct.problems.map((p) => p.pointer).sort(),
          );
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("settingsFor takes each field from the agent, else the global block, else the default", () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const block = fc.record({
      max_retries: maybe(fc.nat(10)),
      cooldown_ms: maybe(fc.nat(1_000_000)),
      jitter: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
    });
    const toJson = (b: {
      max_retries?: number | undefined;
      cooldown_ms?: number | undefined;
      jitter?: number | undefined;
    }) => ({
      ...(b.max_retries !== undefined ? { max_retries: b.max_retries } : {}),
      ...(b.cooldown_ms !== undefined ? { circuit_breaker: { cooldown_ms: b.cooldown_ms } } : {}),
      ...(b.jitter !== undefined ? { backoff: { rate_limit: { jitter: b.jitter } } } : {}),
    });
    fc.assert(
      fc.property(block, block, (global, agent) => {
        const result = parseConfig({
          fallback: toJson(global),
          agent: { build: { fallback: toJson(agent) } },
        });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        const settings = settingsFor(result.config, "build");
        expect(settings.max_retries).toBe(
          agent.max_retries ?? global.max_retries ?? DEFAULT_SETTINGS.max_retries,
        );
        expect(settings.circuit_breaker.cooldown_ms).toBe(
          agent.cooldown_ms ?? global.cooldown_ms ?? DEFAULT_SETTINGS.circuit_breaker.cooldown_ms,
        );
        expect(settings.backoff.rate_limit.jitter).toBe(
          agent.jitter ?? global.jitter ?? DEFAULT_SETTINGS.backoff.rate_limit.jitter,
        );
        expect(settings.circuit_breaker.failure_threshold).toBe(
          DEFAULT_SETTINGS.circuit_breaker.failure_threshold,
        );
        expect(settings.backoff.network).toEqual(DEFAULT_SETTINGS.backoff.network);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
