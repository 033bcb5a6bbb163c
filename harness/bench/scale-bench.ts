import { setMaxListeners } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlFileSink, settingsFor, systemClock } from "../../src/index.ts";
import { checkAuditFile } from "../check/check-audit.ts";
import { DEFAULT_CANONICAL_TEXT } from "../fleet/content.ts";
import type { ScaleSection } from "./bench-report.ts";
import { PROMPT } from "./chain-calls.ts";
import { startMemorySampler } from "./memory-sampler.ts";
import { forkScaleProbe } from "./scale-probe.ts";
import { countLostLines, createScaleEngine, createScaleFleet, scaleConfig } from "./scale-setup.ts";

/**
 * Scale (issue 8 §6): `requests` requests started at once through one engine, in-process fleet, real
 * clock; the primary fails 30 % of calls with a 500, so the shared breaker trips under concurrency. Peak
 * heap is sampled throughout; the audit goes to a file, which is then counted and checked. Requests still
 * in flight after `wallCapMs` are aborted, which bounds the run and tests the abort path's audit lines.
 */
export async function benchScale(
  requests: number,
  wallCapMs: number,
  progress: (line: string) => void,
  options: { readonly probe: boolean } = { probe: true },
): Promise<ScaleSection> {
  const dir = mkdtempSync(join(tmpdir(), "fallback-bench-scale-"));
  // A real wait (a timer) before every answer keeps all requests in flight at once and lets the event loop
  // turn: the in-process fleet otherwise settles a request in microtasks, before any timer (the memory
  // sampler, the wall cap) could run.
  const fleet = await createScaleFleet(systemClock, 100);
  try {
    const path = join(dir, "audit.jsonl");
    const sink = JsonlFileSink.open(path);
    const config = scaleConfig();
    const engine = createScaleEngine(config, fleet, sink);
    progress(`scale: ${requests} concurrent requests`);
    // Peak heap is exact (V8's record of every collection); RSS is sampled every 10 ms between turns.
    const sampler = startMemorySampler(10);
    const started = performance.now();
    // The cap aborts whatever is still in flight: an aborted request must log its terminal line too.
    const cap = new AbortController();
    // Every request (and each of its attempts) listens on the one cap signal; that is by design here.
    setMaxListeners(0, cap.signal);
    const timer = setTimeout(() => cap.abort(), wallCapMs);
    const outcomes = await Promise.allSettled(
      Array.from({ length: requests }, () =>
        engine.run({ agent: "build", prompt: PROMPT, stream: false, signal: cap.signal }),
      ),
    );
    clearTimeout(timer);
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    const aborted = cap.signal.aborted ? outcomes.filter((o) => o.status === "rejected").length : 0;
    await engine.close();
    const served = outcomes.filter(
      (o) => o.status === "fulfilled" && o.value.text === DEFAULT_CANONICAL_TEXT,
    ).length;
    const { lines, lost } = countLostLines(readFileSync(path, "utf8"), outcomes.length);
    progress(`scale: checking ${lines} audit lines`);
    // Real clock under load: allow for timer lateness when the checker compares waits and deadlines.
    const check = await checkAuditFile(path, {
      settingsFor: (agent) => settingsFor(config, agent),
      config,
      clockToleranceMs: 1_000,
    });
    // The heap this run needs, apart from garbage and timing: all requests held at the fleet, live heap
    // after forced collections, in a process of its own.
    let inFlight: ScaleSection["inFlight"];
    if (options.probe) {
      progress(`scale: probing the live heap of ${requests} requests in flight`);
      inFlight = await forkScaleProbe(requests);
    }
    return {
      requests,
      wallMs,
      served,
      aborted,
      failed: outcomes.length - served - aborted,
      auditLines: lines,
      lostAuditLines: lost + sink.dropped,
      checkOk: check.ok,
      checkViolations: check.violationCount,
      firstViolation:
        check.firstViolation === null ? null : JSON.stringify(check.firstViolation).slice(0, 400),
      peakHeapMb: peak.heapMb,
      liveHeapMb: peak.liveHeapMb,
      collections: peak.collections,
      peakRssMb: peak.rssMb,
      ...(inFlight === undefined ? {} : { inFlight }),
    };
  } finally {
    await fleet.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
