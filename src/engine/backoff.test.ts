import { describe, expect, it } from "vitest";
import { REASONS, typeOf } from "../classify/taxonomy.ts";
import { DEFAULT_SETTINGS, type BackoffPolicy } from "../config/settings.ts";
import { createRandom, type Random } from "../core/random.ts";
import { backoffBounds, backoffDelay, policyFor, retryWait } from "./backoff.ts";

/** A random source that always returns `u`. */
const fixed = (u: number): Random => ({ next: () => u });
const NETWORK = DEFAULT_SETTINGS.backoff.network;
const RATE = DEFAULT_SETTINGS.backoff.rate_limit;
const SEEDS = Array.from({ length: 200 }, (_, i) => 0x5eed + i * 7919);

describe("backoffDelay", () => {
  it("doubles from base_ms and stops at max_ms with zero jitter (n = 1..6)", () => {
    const exact: BackoffPolicy = { ...NETWORK, jitter: 0 };
    const values = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(exact, n, fixed(0.9)));
    expect(values).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it("follows factor for the rate-limit defaults (n = 1..6)", () => {
    const exact: BackoffPolicy = { ...RATE, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(exact, n, fixed(0)))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000,
    ]);
  });

  it("maps the draw linearly onto ±jitter: u = 0 is the low end, u = 0.5 the middle", () => {
    expect(backoffDelay(NETWORK, 1, fixed(0))).toBe(800);
    expect(backoffDelay(NETWORK, 1, fixed(0.5))).toBe(1_000);
    expect(backoffDelay(NETWORK, 1, fixed(0.75))).toBe(1_100);
  });

  it("clamps the jittered delay at max_ms (cap, then jitter, then clamp)", () => {
    expect(backoffDelay(NETWORK, 10, fixed(0.999))).toBe(30_000);
    expect(backoffDelay(NETWORK, 10, fixed(0))).toBe(24_000);
  });

  it("takes exactly one draw per call, whatever the jitter", () => {
    let draws = 0;
    const counting: Random = { next: () => (draws++, 0.3) };
    backoffDelay({ ...NETWORK, jitter: 0 }, 1, counting);
    backoffDelay(NETWORK, 3, counting);
    expect(draws).toBe(2);
  });

  it(`stays within backoffBounds and never above max_ms for 200 seeds (first seed ${SEEDS[0]})`, () => {
    const wide: BackoffPolicy = { base_ms: 333, factor: 2.5, max_ms: 10_000, jitter: 0.6 };
    const violations: string[] = [];
    let checked = 0;
    for (const seed of SEEDS) {
      const random = createRandom(seed);
      for (const policy of [NETWORK, RATE, wide]) {
        for (let n = 1; n <= 8; n++) {
          const delay = backoffDelay(policy, n, random);
          const { min, max } = backoffBounds(policy, n);
          checked++;
          const ok =
            Number.isInteger(delay) && delay >= Math.max(0, min) && delay <= Math.min(max, policy.max_ms);
          if (!ok)
            violations.push(
              `seed ${seed} n ${n} ${JSON.stringify(policy)}: ${delay} not in [${min}, ${max}]`,
            );
        }
      }
    }
    expect(checked).toBe(200 * 3 * 8);
    expect(violations).toEqual([]);
  });

  it("spreads draws across the jitter range rather than sitting on one value", () => {
    const random = createRandom(42);
    const values = new Set(Array.from({ length: 200 }, () => backoffDelay(NETWORK, 1, random)));
    expect(values.size).toBeGreaterThan(100);
    expect(Math.min(...values)).toBeLessThan(850);
    expect(Math.max(...values)).toBeGreaterThan(1_150);
  });

  it("never goes negative with a jitter above 1", () => {
    expect(backoffDelay({ ...NETWORK, jitter: 1.5 }, 1, fixed(0))).toBe(0);
    expect(backoffBounds({ ...NETWORK, jitter: 1.5 }, 1)).toEqual({ min: 0, max: 2_500 });
  });
});

describe("backoffBounds", () => {
  it("gives the rounded ±jitter range of the capped delay", () => {
    expect(backoffBounds(NETWORK, 1)).toEqual({ min: 800, max: 1_200 });
    expect(backoffBounds(NETWORK, 6)).toEqual({ min: 24_000, max: 30_000 });
    expect(backoffBounds(RATE, 2)).toEqual({ min: 3_000, max: 5_000 });
  });
});

describe("policyFor", () => {
  it("uses the rate_limit policy for ProviderRateLimit reasons and network for every other reason", () => {
    expect(policyFor("rate_limit", DEFAULT_SETTINGS)).toBe(RATE);
    expect(policyFor("overloaded", DEFAULT_SETTINGS)).toBe(RATE);
    expect(policyFor("timeout", DEFAULT_SETTINGS)).toBe(NETWORK);
    expect(policyFor("stream_cut", DEFAULT_SETTINGS)).toBe(NETWORK);
    for (const reason of REASONS) {
      expect(policyFor(reason, DEFAULT_SETTINGS)).toBe(
        typeOf(reason) === "ProviderRateLimit" ? RATE : NETWORK,
      );
    }
  });
});

describe("retryWait", () => {
  const exact: BackoffPolicy = { ...NETWORK, jitter: 0 };

  it("waits for a Retry-After longer than the backoff", () => {
    expect(retryWait({ policy: exact, retryNumber: 1, retryAfterMs: 7_500, random: fixed(0.5) })).toBe(7_500);
  });

  it("keeps the backoff when Retry-After is shorter or absent", () => {
    expect(retryWait({ policy: exact, retryNumber: 3, retryAfterMs: 100, random: fixed(0.5) })).toBe(4_000);
    expect(retryWait({ policy: exact, retryNumber: 3, retryAfterMs: null, random: fixed(0.5) })).toBe(4_000);
  });
});
