import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonlFileSink, type Engine } from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import type { Fleet } from "../fleet/fleet.ts";
import { PROMPT } from "./chain-calls.ts";
import { createHeldClock, type HeldClock } from "./held-clock.ts";
import { runChild } from "./fork-child.ts";
import { countLostLines, createScaleEngine, createScaleFleet, scaleConfig } from "./scale-setup.ts";

/** What one probe measured; heap figures are after two full collections, so they count live objects only. */
export interface ScaleProbeResult {
  readonly requests: number;
  /** Live heap before the wave (engine, fleet and warm-up done), MiB. */
  readonly baseHeapMb: number;
  /** Live heap added per request while every request of the wave waits at the fleet, KiB. */
  readonly inFlightKbPerRequest: number;
  /** Live heap still added per request once the wave has settled (fleet log, breakers, caches), KiB. */
  readonly settledKbPerRequest: number;
  readonly served: number;
  readonly auditLines: number;
  /** As the bench counts them: requests without exactly one start and one terminal line, plus seq gaps. */
  readonly lostAuditLines: number;
}

const WARM_UP = 50;
const KB = 1024;
const MB = 2 ** 20;

/**
 * Sends `requests` requests at once through one reference engine (AI SDK caller, audit to a file, the
 * bench's fleet: 30 % of primary calls answer 500) and measures live heap per request at the moment all of
 * them wait at the fleet, and again after they settle. Needs `global.gc` (`--expose-gc`): the probe
 * compares live heaps, which only a forced full collection gives.
 */
export async function probeScaleMemory(requests: number): Promise<ScaleProbeResult> {
  const gc = globalThis.gc;
  if (gc === undefined)
    throw new Error("Failed to probe scale memory: global.gc is missing. Run node with --expose-gc.");
  // Two collections with a turn between them: FinalizationRegistry callbacks (undici unhooks each
  // request's abort listener in one) run only after the first has found their targets dead.
  const collect = async (): Promise<number> => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    return process.memoryUsage().heapUsed;
  };
  const clock = createHeldClock();
  const dir = mkdtempSync(join(tmpdir(), "fallback-scale-probe-"));
  const fleet = await createScaleFleet(clock, 1);
  try {
    const path = join(dir, "audit.jsonl");
    const sink = JsonlFileSink.open(path);
    const engine = createScaleEngine(scaleConfig(), fleet, sink);
    // Compiles and caches what the first requests create once (lazy modules, shapes, breakers).
    const warm = await wave(engine, fleet, clock, WARM_UP);
    clock.release();
    const warmed = await warm.outcomes;
    const base = await collect();
    const measured = await wave(engine, fleet, clock, requests);
    const inFlight = await collect();
    clock.release();
    const outcomes = await measured.outcomes;
    const settled = await collect();
    await engine.close();
    const all = [...warmed, ...outcomes];
    const { lines, lost } = countLostLines(readFileSync(path, "utf8"), all.length);
    return {
      requests,
      baseHeapMb: round(base / MB),
      inFlightKbPerRequest: round((inFlight - base) / requests / KB),
      settledKbPerRequest: round((settled - base) / requests / KB),
      served: outcomes.filter((o) => o.status === "fulfilled" && o.value.text === DEFAULT_CANONICAL_TEXT)
        .length,
      auditLines: lines,
      lostAuditLines: lost + sink.dropped,
    };
  } finally {
    await fleet.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Outcomes = PromiseSettledResult<Awaited<ReturnType<Engine["run"]>>>[];

/**
 * Starts `count` requests with the fleet's sleeps held and resolves once every one of them waits at the
 * fleet, to their outcomes still pending (in an object: returning the bare promise would wait for them).
 */
async function wave(
  engine: Engine,
  fleet: Fleet,
  clock: HeldClock,
  count: number,
): Promise<{ outcomes: Promise<Outcomes> }> {
  clock.hold();
  const before = fleet.log.length;
  const outcomes = Promise.allSettled(
    Array.from({ length: count }, () => engine.run({ agent: "build", prompt: PROMPT, stream: false })),
  );
  // Requests reach the fleet in microtasks and timer turns; the clock then holds them until released.
  while (clock.held < count || fleet.log.length - before < count)
    await new Promise((resolve) => setTimeout(resolve, 5));
  return { outcomes };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const CHILD = fileURLToPath(new URL("./scale-probe-child.ts", import.meta.url));

/**
 * Runs {@link probeScaleMemory} in a fresh Node process (tsx loader, `--expose-gc`), so that nothing else
 * this process holds or has allocated enters the numbers.
 */
export function forkScaleProbe(requests: number): Promise<ScaleProbeResult> {
  return runChild({
    file: CHILD,
    args: [String(requests)],
    execArgv: ["--expose-gc"],
    failedTo: "probe scale memory",
    read: (message) => message as ScaleProbeResult,
  });
}
