import type { ModelId } from "../core/model-id.ts";

/** One agent's promoted model and when its place at the head ends (epoch ms, exclusive). */
export interface Promotion {
  readonly model: ModelId;
  readonly until: number;
}

/**
 * Preferred-model rotation (SPEC §5, `promote_on_success`): a model that served a request as a fallback
 * moves to the head of its agent's chain for `sticky_ms`. One promotion per agent; a newer one replaces the
 * older. Expiry is checked against the time passed in, so the table needs no clock of its own.
 */
export class PromotionTable {
  readonly #byAgent = new Map<string, Promotion>();

  /**
   * `chain` with the agent's promoted model moved to the head while `now < until` and the model is in
   * `chain`; otherwise `chain` unchanged. An expired promotion is dropped here.
   */
  effectiveChain(agent: string, chain: readonly ModelId[], now: number): readonly ModelId[] {
    const promoted = this.promotedFor(agent, now);
    if (promoted === undefined || !chain.includes(promoted.model) || chain[0] === promoted.model)
      return chain;
    return [promoted.model, ...chain.filter((model) => model !== promoted.model)];
  }

  /** Puts `model` at the head of `agent`'s chain until `now + stickyMs`. */
  promote(agent: string, model: ModelId, now: number, stickyMs: number): { readonly until: number } {
    const until = now + Math.max(0, stickyMs);
    this.#byAgent.set(agent, { model, until });
    return { until };
  }

  /** Ends `agent`'s promotion if it is `model` (the promoted model failed); true when one was removed. */
  demote(agent: string, model: ModelId): boolean {
    if (this.#byAgent.get(agent)?.model !== model) return false;
    return this.#byAgent.delete(agent);
  }

  /** The agent's live promotion at `now`, if any (an expired one is dropped). */
  promotedFor(agent: string, now: number): Promotion | undefined {
    const promotion = this.#byAgent.get(agent);
    if (promotion === undefined) return undefined;
    if (now >= promotion.until) {
      this.#byAgent.delete(agent);
      return undefined;
    }
    return promotion;
  }
}
