import { ManualClock, type Clock } from "../../src/index.ts";
import { createFleet } from "./fleet.ts";
import type { FaultBindingInput } from "./faults.ts";
import type { FleetTransport } from "./respond.ts";

/** Options of {@link soakFleet}. */
export interface SoakOptions {
  readonly transport: FleetTransport;
  /** How many requests, one after another. */
  readonly requests: number;
  readonly seed?: number;
  /** Faults to run under (default none). Keep them clock-free unless `clock` is driven by the caller. */
  readonly faults?: readonly FaultBindingInput[];
  readonly clock?: Clock;
}

/**
 * What a soak measured. Heap figures are after a forced GC when `node --expose-gc` made one available; the
 * growth includes the fleet's request log, which keeps one small entry per request by design.
 */
export interface SoakReport {
  readonly transport: FleetTransport;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly heapGrowthBytes: number;
  readonly gcForced: boolean;
  readonly wallMs: number;
}

/**
 * A bounded soak: `requests` raw streaming chat calls through the fleet's own fetch, each body read to the
 * end, reporting heap before and after. Bounded on purpose (reference/testing.md §2: the fetch path stays
 * flat; the `node:http` client path leaks under msw 2). Run long soaks from a script, not from tests:
 * `node --expose-gc --import tsx -e "…soakFleet({transport:'loopback',requests:10000})…"`.
 */
export async function soakFleet(options: SoakOptions): Promise<SoakReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const fleet = await createFleet({
    clock: options.clock ?? new ManualClock(),
    seed: options.seed ?? 1,
    transport: options.transport,
    faults: options.faults ?? [],
  });
  const statuses: Record<string, number> = {};
  const url = `${fleet.endpoints.openai.baseURL}/chat/completions`;
  const init = {
    method: "POST",
    headers: { authorization: `Bearer ${fleet.endpoints.openai.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }),
  };
  try {
    const once = async (): Promise<void> => {
      try {
        const response = await fleet.fetch(url, init);
        await response.arrayBuffer();
        statuses[String(response.status)] = (statuses[String(response.status)] ?? 0) + 1;
      } catch {
        statuses["network_error"] = (statuses["network_error"] ?? 0) + 1;
      }
    };
    // Warm up so lazily built caches do not count as growth.
    for (let i = 0; i < Math.min(50, options.requests); i++) await once();
    for (const key of Object.keys(statuses)) delete statuses[key];
    gc?.();
    const heapBeforeBytes = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < options.requests; i++) await once();
    const wallMs = performance.now() - started;
    gc?.();
    const heapAfterBytes = process.memoryUsage().heapUsed;
    return {
      transport: options.transport,
      requests: options.requests,
      statuses,
      heapBeforeBytes,
      heapAfterBytes,
      heapGrowthBytes: heapAfterBytes - heapBeforeBytes,
      gcForced: gc !== undefined,
      wallMs,
    };
  } finally {
    await fleet.close();
  }
}
