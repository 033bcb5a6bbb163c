import { describe, expect, it } from "vitest";
import { A, B, at } from "./incident-test-kit.ts";
import { readIncidentLines } from "./read-incident-log.ts";

const TOTAL = 200_000;
const CONCURRENT = 40;
const BAD_EVERY = 97;
const UNENDING_EVERY = 50;

/**
 * OpenCode-style traffic, generated lazily so only the reader holds memory: CONCURRENT requests at a time,
 * keyed by message id, each attempt → failure → attempt on B → success, and without a fallback_request (so
 * the reader holds each request's lines until it ends). Every UNENDING_EVERY-th request never ends; every
 * BAD_EVERY-th line is garbage.
 */
async function* traffic(counts: { bad: number; good: number }): AsyncGenerator<string> {
  let emitted = 0;
  let request = 0;
  const emit = (record: Record<string, unknown>): string => {
    counts.good += 1;
    return JSON.stringify(record);
  };
  while (emitted < TOTAL) {
    if (request % 1000 === 0) await Promise.resolve();
    const batch = Array.from({ length: CONCURRENT }, (_, i) => `msg_${request + i}`);
    const ms = request * 10;
    const steps = [
      (id: string) => ({ ts: at(ms), messageID: id, event: "fallback_attempt", model: A }),
      (id: string) => ({
        ts: at(ms + 1),
        messageID: id,
        model: A,
        errorType: "ProviderError",
        action: "fallback",
        latency_ms: 1,
      }),
      (id: string) => ({ ts: at(ms + 2), messageID: id, event: "fallback_attempt", model: B }),
      (id: string) => ({ ts: at(ms + 3), messageID: id, model: B, success: true, latency_ms: 1 }),
    ];
    for (const [index, step] of steps.entries()) {
      for (const [offset, id] of batch.entries()) {
        if (index > 0 && (request + offset) % UNENDING_EVERY === 0) continue;
        emitted += 1;
        if (emitted % BAD_EVERY === 0) {
          counts.bad += 1;
          yield "{garbage";
        } else yield emit(step(id));
        if (emitted >= TOTAL) return;
      }
    }
    request += CONCURRENT;
  }
}

describe("reading a long log", () => {
  it(`streams ${TOTAL} lines holding only open requests, their pending lines and the first problems`, async () => {
    const counts = { bad: 0, good: 0 };
    let delivered = 0;
    const limits = { maxOpenRequests: 256, maxProblems: 100, rememberedRequests: 1000 };
    const summary = await readIncidentLines(traffic(counts), () => (delivered += 1), {
      ...limits,
      endedWithNewline: () => true,
    });
    expect(summary.totalLines).toBe(TOTAL);
    expect(summary.usedLines).toBe(counts.good);
    // Every source line and every synthesized line reached the consumer.
    expect(delivered).toBe(counts.good + summary.synthesizedLines);
    expect(summary.problemCounts["not-json"]).toBe(counts.bad);
    expect(summary.problems).toHaveLength(limits.maxProblems);
    // Never-ending requests pile up to the bound and are then closed early, each with a warning.
    expect(summary.peak.openRequests).toBe(limits.maxOpenRequests);
    expect(summary.problemCounts["request-evicted"]).toBeGreaterThan(0);
    expect(summary.peak.rememberedRequests).toBeLessThanOrEqual(limits.rememberedRequests);
    expect(summary.peak.storedProblems).toBe(limits.maxProblems);
    // Held lines: at most four for each request open at once.
    expect(summary.peak.bufferedLines).toBeLessThanOrEqual(4 * limits.maxOpenRequests);
  }, 120_000);
});
