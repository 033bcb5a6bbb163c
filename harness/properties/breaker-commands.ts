import fc from "fast-check";
import type { BreakerSettings } from "../../src/index.ts";
import type { BreakerPair } from "./breaker-pair.ts";
import type { LawOutcome } from "./breaker-subject.ts";

/**
 * Model-based commands over a {@link BreakerPair}. Each has a short `toString()` so a shrunk counterexample
 * reads like a sentence: `[ask, trip auth held[0], ask!, ok held[0]]`.
 */

type Real = object;

/** An outcome and how a counterexample names it. */
export interface NamedOutcome {
  readonly outcome: LawOutcome;
  readonly name: string;
}

/** Every outcome kind of SPEC §7: success, failure per breaker effect (failure, trip, none), release. */
export const outcomeArbitrary: fc.Arbitrary<NamedOutcome> = fc.oneof(
  fc.constant<NamedOutcome>({ outcome: { kind: "success" }, name: "ok" }),
  fc.constantFrom("timeout", "rate_limit", "server_error").map<NamedOutcome>((reason) => ({
    outcome: { kind: "failure", effect: "failure", reason, cooldownMs: 0 },
    name: `fail ${reason}`,
  })),
  fc
    .tuple(fc.constantFrom("auth", "quota_exhausted"), fc.constantFrom(0, 0, 2_500, 40_000))
    .map<NamedOutcome>(([reason, cooldownMs]) => ({
      outcome: { kind: "failure", effect: "trip", reason, cooldownMs },
      name: `trip ${reason}${cooldownMs > 0 ? ` cooldown ${cooldownMs}ms` : ""}`,
    })),
  fc.constantFrom("invalid_request", "context_overflow").map<NamedOutcome>((reason) => ({
    outcome: { kind: "failure", effect: "none", reason, cooldownMs: 0 },
    name: `none ${reason}`,
  })),
  fc.constant<NamedOutcome>({ outcome: { kind: "release" }, name: "release" }),
);

/** A request asks for a permit (`ask!` = `on_all_open: probe_soonest` forcing). */
export class AskCommand implements fc.Command<BreakerPair, Real> {
  constructor(readonly force: boolean) {}
  check(): boolean {
    return true;
  }
  run(pair: BreakerPair): void {
    pair.acquire(this.force);
  }
  toString(): string {
    return this.force ? "ask!" : "ask";
  }
}

/**
 * A held permit's call ends: `ok held[1]` settles the second-oldest permit still held (modulo how many are
 * held). The label is fixed at generation: fast-check re-runs the same command objects while shrinking, so a
 * label written during a run could describe a different run than the one it prints.
 */
export class SettleCommand implements fc.Command<BreakerPair, Real> {
  constructor(
    readonly pick: number,
    readonly outcome: NamedOutcome,
  ) {}
  check(pair: Readonly<BreakerPair>): boolean {
    return pair.held.length > 0;
  }
  run(pair: BreakerPair): void {
    const permit = pair.pick(this.pick);
    if (permit !== undefined) pair.settle(permit, this.outcome.outcome);
  }
  toString(): string {
    return `${this.outcome.name} held[${this.pick}]`;
  }
}

/** Virtual time passes. */
export class WaitCommand implements fc.Command<BreakerPair, Real> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(pair: BreakerPair): void {
    pair.now += this.ms;
  }
  toString(): string {
    return `wait ${this.ms}ms`;
  }
}

/** The sequential commands, times scaled to `settings` so windows and cooldowns are crossed often. */
export function sequentialCommands(settings: BreakerSettings): fc.Arbitrary<fc.Command<BreakerPair, Real>>[] {
  const span = Math.max(settings.window_ms, settings.cooldown_ms);
  return [
    fc.boolean().map((force) => new AskCommand(force)),
    fc.tuple(fc.nat(3), outcomeArbitrary).map(([pick, outcome]) => new SettleCommand(pick, outcome)),
    fc
      .constantFrom(1, Math.floor(settings.window_ms / 2), settings.cooldown_ms, span + 1)
      .chain((hint) => fc.oneof(fc.constant(hint), fc.integer({ min: 0, max: span + 1 })))
      .map((ms) => new WaitCommand(ms)),
  ];
}

/** The model of a scheduled run: the pair, the scheduler that orders outcomes, and the outcomes in flight. */
export interface ScheduledModel {
  readonly pair: BreakerPair;
  readonly scheduler: fc.Scheduler;
  readonly pending: Promise<void>[];
}

/**
 * A whole call under a scheduler: ask now; when granted, the outcome arrives whenever the scheduler lets
 * it, so probes of one half-open period overlap and answer in any order, with time passing in between.
 */
export class CallCommand implements fc.AsyncCommand<ScheduledModel, Real, false> {
  constructor(
    readonly force: boolean,
    readonly outcome: NamedOutcome,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: ScheduledModel): Promise<void> {
    const permit = model.pair.acquire(this.force);
    if (permit === undefined) return Promise.resolve();
    // Not awaited: the outcome lands later, interleaved with the following commands by the scheduler.
    model.pending.push(
      model.scheduler
        .schedule(Promise.resolve(`${this.outcome.name} #${permit.id}`))
        .then(() => model.pair.settle(permit, this.outcome.outcome)),
    );
    return Promise.resolve();
  }
  toString(): string {
    return `call${this.force ? "!" : ""} → ${this.outcome.name}`;
  }
}

/** A wait, for the scheduled run. */
export class AsyncWaitCommand implements fc.AsyncCommand<ScheduledModel, Real, false> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(model: ScheduledModel): Promise<void> {
    model.pair.now += this.ms;
    return Promise.resolve();
  }
  toString(): string {
    return `wait ${this.ms}ms`;
  }
}

/** The scheduled commands: calls whose outcomes overlap, and waits. */
export function scheduledCommands(
  settings: BreakerSettings,
): fc.Arbitrary<fc.AsyncCommand<ScheduledModel, Real, false>>[] {
  return [
    fc.tuple(fc.boolean(), outcomeArbitrary).map(([force, outcome]) => new CallCommand(force, outcome)),
    fc
      .oneof(fc.constant(settings.cooldown_ms), fc.integer({ min: 0, max: settings.cooldown_ms + 1 }))
      .map((ms) => new AsyncWaitCommand(ms)),
  ];
}
