import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propertySeeds, runsFor } from "../properties/seeds.ts";
import { ClosedRequests } from "./closed-requests.ts";

/**
 * The plain model of the contract: the last `capacity` stores in order, a key's value the one of its newest
 * store. Keys come from a small alphabet so stores repeat keys, evict re-stored keys' old slots and crowd
 * the table's probe runs (where backward-shift deletion must keep every key reachable).
 */
function model(capacity: number, stores: readonly (readonly [string, number])[]): Map<string, number> {
  const kept = new Map<string, number>();
  for (const [key, value] of stores.slice(-capacity)) {
    kept.delete(key);
    kept.set(key, value);
  }
  return kept;
}

describe.each(propertySeeds())("ClosedRequests against a model (%s)", ({ seed, label }) => {
  it(`answers every key like the last-capacity-stores model after each store (${label})`, () => {
    const keys = fc.oneof(
      fc.constantFrom("a", "b", "c", "req-1", "req-2"),
      fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        // From one slot the ring doubles on its way to its capacity, rehashing the table each time.
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.tuple(keys, fc.integer()), { maxLength: 120 }),
        (capacity, initialSlots, stores) => {
          const closed = new ClosedRequests<number>(capacity, initialSlots);
          const probes = new Set(stores.map(([key]) => key));
          stores.forEach(([key, value], i) => {
            closed.set(key, value);
            const expected = model(capacity, stores.slice(0, i + 1));
            expect(closed.size).toBe(expected.size);
            for (const probe of probes) expect(closed.get(probe)).toBe(expected.get(probe));
          });
        },
      ),
      { seed, numRuns: runsFor(300) },
    );
  });
});
