import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { oracleSettingsFor } from "../oracle/config-merge.ts";
import type { OracleConfig } from "../oracle/config-types.ts";
import { REALTIME_LATE_TOLERANCE_MS } from "../oracle/fleet-safety.ts";
import type { Fault, FaultBinding } from "../fleet/faults.ts";
import type { Scenario } from "../scenario/schema.ts";
import { HANG_GRACE_MS } from "./execute-scenario.ts";

/**
 * How long a scenario takes on the wall clock, estimated from what it states: when its traffic is sent,
 * the waits its faults impose (Retry-After, stalls, slow first tokens, windows), the times its expectations
 * name, and, for a wait with no end (a stall with no duration), the longest `max_elapsed` it states, else the
 * request's deadline. An estimate of a correct engine's run: the supervisor's watchdog still bounds a broken
 * engine's at the deadline, so a budget can be overrun by that difference.
 */
export interface RealtimeSpan {
  readonly ms: number;
  /** What the estimate rests on, for the skip reason. */
  readonly basis: string;
}

/** Added slack of a fault-free request on loopback (a process engine's own start is added apart). */
const REQUEST_BASE_MS = 1_000;

/** The longest wait one firing of a fault imposes, ms; `null` for a wait with no end. */
function faultWaitMs(fault: Fault): number | null {
  if (fault.kind === "http_error")
    return Math.max(
      (fault.retry_after ?? 0) * 1000,
      fault.retry_after_ms ?? 0,
      typeof fault.retry_after_date === "number" ? fault.retry_after_date : 0,
    );
  if (fault.kind === "stall") return fault.duration ?? null;
  if (fault.kind === "slow_ttft") return fault.delay;
  // A canonical answer is a few dozen tokens.
  if (fault.kind === "dribble") return fault.interval * 50;
  // A limited bucket refills after `per`.
  if (fault.kind === "token_bucket") return fault.per;
  if (fault.kind === "latency") {
    const d = fault.distribution;
    if (d.type === "fixed") return d.ms;
    if (d.type === "uniform") return d.max;
    if (d.type === "sequence") return Math.max(...d.ms);
    return d.max ?? null;
  }
  // Every other fault answers (or fails) at once.
  return 0;
}

/** How often a binding fires at most within one request's attempts (an unbounded binding: every attempt). */
function firings(binding: FaultBinding): number {
  return binding.when?.times ?? 3;
}

/**
 * `startupMs`: what a process engine costs once per scenario beyond its requests (its process started in
 * `create`, a cold first request, stopped in `close`; `ProcessEngine.startupMs`), 0 for an in-process one.
 */
export function estimateSpan(scenario: Scenario, config: OracleConfig, startupMs = 0): RealtimeSpan {
  const lastSend = Math.max(...scenario.traffic.map((t) => t.at + (t.count - 1) * t.every));
  const deadline = Math.max(
    ...scenario.traffic.map((t) => oracleSettingsFor(config, t.agent).deadline_ms + HANG_GRACE_MS),
  );
  let waits = 0;
  let unbounded = false;
  let windowEnd = 0;
  for (const binding of scenario.faults) {
    const wait = faultWaitMs(binding.fault);
    if (wait === null) unbounded = true;
    else waits += wait * firings(binding);
    windowEnd = Math.max(windowEnd, binding.when?.until ?? binding.when?.from ?? 0);
  }
  const { expect } = scenario;
  // A wait with no end lasts as long as the engine lets it: a correct one cuts it within the bound the
  // scenario states for the request (a broken one is stopped by the watchdog at the deadline).
  const stated = Math.max(0, ...expect.requests.map((r) => r.max_elapsed ?? 0));
  const endless = stated > 0 ? Math.min(deadline, stated) : deadline;
  const perRequest = unbounded ? endless : Math.min(deadline, waits + REQUEST_BASE_MS);
  const named = Math.max(
    0,
    ...expect.breaker.map((b) => b.at),
    ...expect.no_hammer.map((n) => n.from + n.within),
    expect.return_to_primary ? expect.return_to_primary.recovered_at + expect.return_to_primary.within : 0,
  );
  // Charged whole: a start that overlaps the first sends' wait is over-counted, which only skips sooner; the
  // close and a cold first request, which no scenario time covers, are in it too.
  const ms = startupMs + Math.max(lastSend + perRequest, windowEnd, named);
  const parts = [
    ...(startupMs > 0 ? [`engine start-up ${startupMs} ms`] : []),
    `last send at ${lastSend} ms`,
    unbounded
      ? endless < deadline
        ? `a wait with no end, cut within the stated max_elapsed (${endless} ms; deadline ${deadline} ms)`
        : `a wait with no end, bounded by the deadline (${deadline} ms)`
      : `fault waits ${waits} ms`,
    ...(windowEnd > 0 ? [`fault windows to ${windowEnd} ms`] : []),
    ...(named > 0 ? [`expectations up to ${named} ms`] : []),
  ];
  return { ms, basis: parts.join(", ") };
}

/**
 * Slack added on real time to upper bounds on elapsed time (`max_elapsed`, `return_to_primary.within`):
 * loopback, process start and scheduling jitter. Windows that bound how many calls fit (`no_hammer`) are
 * left as written: widening them would only make them stricter, narrowing them would hide hammering.
 */
export const REALTIME_TOLERANCE_MS = 250;

/** Default wall-time budget of a real-time run: a few minutes for the whole run. */
export const DEFAULT_REALTIME_BUDGET_MS = 300_000;

/** The scenario as run on real time: the wall clock, the fleet on loopback, elapsed bounds with slack. */
export function realtimeScenario(scenario: Scenario): Scenario {
  const { expect } = scenario;
  return {
    ...scenario,
    clock: "real",
    transport: "loopback",
    expect: {
      ...expect,
      requests: expect.requests.map((r) =>
        r.max_elapsed === undefined ? r : { ...r, max_elapsed: r.max_elapsed + REALTIME_TOLERANCE_MS },
      ),
      ...(expect.return_to_primary
        ? {
            return_to_primary: {
              ...expect.return_to_primary,
              within: expect.return_to_primary.within + REALTIME_TOLERANCE_MS,
            },
          }
        : {}),
    },
  };
}

/**
 * `realtime.md` beside the report: the budget, the tolerance applied to timing expectations, and every
 * scenario skipped with its reason (a real-time run never drops a scenario silently).
 */
export async function writeRealtimeNote(
  dir: string,
  budgetMs: number | undefined,
  skipped: readonly { readonly file: string; readonly id: string; readonly reason: string }[],
  cwd: string,
): Promise<void> {
  const lines = [
    "# Real-time run",
    "",
    `- Clock: the wall clock; every scenario's fleet on loopback (127.0.0.1).`,
    `- Budget: ${budgetMs ?? DEFAULT_REALTIME_BUDGET_MS} ms of wall time for the whole run (\`--realtime-budget\`).`,
    `- Tolerance: ${REALTIME_TOLERANCE_MS} ms added to \`max_elapsed\` and \`return_to_primary.within\`; \`no_hammer\` windows and call counts are judged as written.`,
    `- \`safety.no-call-after-end\`: a provider call up to ${REALTIME_LATE_TOLERANCE_MS} ms after its request ended still counts as sent before the end (the end is read in another thread than the fleet's clock, across loopback).`,
    `- Fault schedules stay deterministic: by call count and by scenario time (ms since the scenario started, which is once the engine is up: its start-up is not scenario time).`,
    "",
    skipped.length === 0 ? "No scenario was skipped." : `## Skipped (${skipped.length})`,
    ...(skipped.length === 0
      ? []
      : ["", ...skipped.map((s) => `- \`${s.id}\` (${relative(cwd, s.file)}): ${s.reason}`)]),
    "",
  ];
  await writeFile(join(dir, "realtime.md"), lines.join("\n"));
}
