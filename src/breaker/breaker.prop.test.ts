import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect } from "vitest";
import type { BreakerSettings } from "../config/settings.ts";
import type { ModelId } from "../core/model-id.ts";
import { BreakerRegistry } from "./breaker-registry.ts";
import { isLegalTransition, type PermitDecision } from "./breaker.ts";

const MODEL = "openai/gpt-4o" as ModelId;

/** One step of simulated traffic: a request asks, a held permit ends, or time passes. */
type Command =
  | { readonly kind: "ask"; readonly force: boolean }
  | { readonly kind: "end"; readonly pick: number; readonly outcome: "success" | "failure" | "trip" | "none" }
  | { readonly kind: "tick"; readonly ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("ask" as const), force: fc.boolean() }),
  fc.record({
    kind: fc.constant("end" as const),
    pick: fc.nat(),
    outcome: fc.constantFrom("success" as const, "failure" as const, "trip" as const, "none" as const),
  }),
  fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 12_000 }) }),
);

const settings: fc.Arbitrary<BreakerSettings> = fc.record({
  enabled: fc.constant(true),
  failure_threshold: fc.integer({ min: 1, max: 4 }),
  window_ms: fc.integer({ min: 1_000, max: 30_000 }),
  cooldown_ms: fc.integer({ min: 1_000, max: 20_000 }),
  half_open_probes: fc.integer({ min: 1, max: 3 }),
  success_threshold: fc.integer({ min: 1, max: 3 }),
});

describe("breaker laws under interleaved requests", () => {
  test.prop([settings, fc.array(command, { maxLength: 80 })], { numRuns: 300 })(
    "only legal transitions chain one into the next, and half-open probes in flight never exceed the limit",
    (config, commands) => {
      const breakers = new BreakerRegistry();
      let now = Date.UTC(2026, 0, 1);
      let held: Extract<PermitDecision, { granted: true }>[] = [];
      let kind = breakers.stateOf(MODEL, now);
      const check = (transitions: readonly { from: string; to: string }[]): void => {
        expect(transitions.length).toBeLessThanOrEqual(1);
        for (const t of transitions) {
          expect(isLegalTransition(t.from as never, t.to as never)).toBe(true);
          expect(t.from).toBe(kind);
          kind = t.to as typeof kind;
        }
        expect(breakers.stateOf(MODEL, now)).toBe(kind);
        const state = breakers.snapshot(MODEL);
        if (state.kind === "half_open") {
          const current = held.filter((p) => p.probe && p.epoch === state.epoch).length;
          expect(state.probesInFlight).toBe(current);
          expect(current).toBeLessThanOrEqual(config.half_open_probes);
        }
      };
      for (const c of commands) {
        switch (c.kind) {
          case "ask": {
            const before = breakers.snapshot(MODEL);
            const { decision, transitions } = breakers.acquire(MODEL, now, config, { force: c.force });
            if (before.kind === "open" && now < before.cooldownUntil && !c.force)
              expect(decision.granted).toBe(false);
            if (decision.granted) held.push(decision);
            check(transitions);
            break;
          }
          case "end": {
            const permit = held[c.pick % Math.max(1, held.length)];
            if (permit === undefined) break;
            held = held.filter((p) => p !== permit);
            const transitions =
              c.outcome === "success"
                ? breakers.recordSuccess(MODEL, permit, now, config)
                : c.outcome === "none"
                  ? breakers.release(MODEL, permit, now, config)
                  : breakers.recordFailure(
                      MODEL,
                      { effect: c.outcome, reason: c.outcome === "trip" ? "auth" : "timeout", probe: permit },
                      now,
                      config,
                    );
            check(transitions);
            break;
          }
          case "tick":
            now += c.ms;
            break;
          default: {
            const unreachable: never = c;
            throw new Error(`unknown command ${String(unreachable)}`);
          }
        }
      }
    },
  );
});
