import type { EngineConfig } from "../../src/index.ts";
import { isSynthesizedLine, type IncidentLine, type IncidentReadSummary } from "../incident/incident-line.ts";
import { parseIsoMillis } from "../oracle/audit-schema.ts";
import { suggestActions } from "./actions/suggest-actions.ts";
import { BreakerTally, breakerSeries } from "./analysis/breaker-tally.ts";
import { LogQualityTally } from "./analysis/log-quality-tally.ts";
import { ModelTally } from "./analysis/model-tally.ts";
import { PrimaryRecovery } from "./analysis/primary-recovery.ts";
import { RequestTally } from "./analysis/request-tally.ts";
import { FAILURE_SERIES, WAIT_SERIES, WaitTally } from "./analysis/wait-tally.ts";
import { TimeBuckets } from "./stats/time-buckets.ts";
import { DEFAULT_BUCKET_CAP, DEFAULT_OPEN_REQUEST_CAP, DEFAULT_TOP_K } from "./thresholds.ts";
import type { Timeline, TriageFindings } from "./triage-findings.ts";

/** Options of one triage. */
export interface TriageOptions {
  /** The log's path, for the report's title. */
  readonly file?: string;
  /** The opencode.json the engine ran with: actions then name its real paths and values. */
  readonly config?: EngineConfig;
  /** Worst requests kept per table (default 10). */
  readonly topK?: number;
  /** Time buckets per chart at most (default 240). */
  readonly bucketCap?: number;
  /** Open requests held at most (default 20 000). */
  readonly openRequestCap?: number;
}

/** A triage in progress: feed it every line, then finish it once. */
export interface Triage {
  feed(line: IncidentLine): void;
  /** The findings; `read` (the reader's summary) adds its problems to the log quality. */
  finish(read?: IncidentReadSummary): TriageFindings;
}

/** Breaker rows drawn at most: the models with the most transitions. */
const TIMELINE_MODEL_CAP = 24;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Starts a streaming triage of an audit log (the DECISION_141 Triage and Repair runbook): per-model and
 * per-agent aggregates, open requests only, the worst few requests and capped time buckets, so memory does
 * not grow with the number of lines. Lines may come with times out of order. Pure: no I/O, no clock.
 */
export function createTriage(options: TriageOptions = {}): Triage {
  const timeline = new TimeBuckets(options.bucketCap ?? DEFAULT_BUCKET_CAP);
  const models = new ModelTally();
  const breakers = new BreakerTally(timeline);
  const waits = new WaitTally(timeline);
  const requests = new RequestTally(
    options.openRequestCap ?? DEFAULT_OPEN_REQUEST_CAP,
    options.topK ?? DEFAULT_TOP_K,
  );
  const primaries = new PrimaryRecovery();
  const quality = new LogQualityTally();
  let lines = 0;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  let finished = false;

  return {
    feed(incident) {
      if (finished)
        throw new Error("Failed to feed the triage: it is finished. Create a new one with createTriage().");
      const audit = incident.audit;
      // Reader lines carry a valid SPEC time; a line that somehow does not is placed at the last time seen.
      const ms = parseIsoMillis(audit.ts) ?? lastMs ?? 0;
      // Lines the reader made up (a request line the format lacks) are not lines of the file.
      if (!isSynthesizedLine(incident)) lines += 1;
      firstMs = Math.min(firstMs ?? ms, ms);
      lastMs = Math.max(lastMs ?? ms, ms);
      timeline.include(ms);
      quality.feed(incident, ms);
      models.feed(audit, incident.line);
      primaries.feed(audit, incident.line, ms);
      if (audit.event === "circuit_transition") breakers.feed(audit, incident.line, ms, firstMs);
      if (audit.event === "fallback_failure") waits.feed(audit, ms);
      const closed = requests.feed(incident, ms);
      if (closed !== null) primaries.closed(closed);
    },

    finish(read) {
      if (finished)
        throw new Error(
          "Failed to finish the triage: it is finished already. Keep the findings of the first finish().",
        );
      finished = true;
      const start = firstMs ?? 0;
      const end = lastMs ?? 0;
      const spanMs = end - start;
      const modelFindings = models.finish();
      const breakerFindings = breakers.finish(end, spanMs);
      const requestFindings = requests.finish(iso);
      const counts = requests.counts;
      const base = {
        version: 1 as const,
        file: options.file ?? null,
        span: firstMs === null ? null : { from: iso(start), to: iso(end), durationMs: spanMs },
        totals: {
          lines,
          requests: counts.requests,
          served: counts.served,
          servedByFallback: counts.servedByFallback,
          endedInError: counts.endedInError,
          unfinished: requestFindings.unfinished.count,
          attempts: modelFindings.reduce((n, m) => n + m.attempts, 0),
          failures: modelFindings.reduce((n, m) => n + m.failures, 0),
          skips: modelFindings.reduce((n, m) => n + m.skippedTotal, 0),
          transitions: breakerFindings.reduce((n, b) => n + b.transitions, 0),
        },
        models: modelFindings,
        agents: requestFindings.agents,
        errors: requestFindings.errors,
        breakers: breakerFindings,
        waiting: waits.finish(),
        returnToPrimary: primaries.finish(end),
        worst: requestFindings.worst,
        quality: quality.finish(read, requestFindings),
        timeline: snapshot(
          timeline,
          start,
          breakerFindings.slice(0, TIMELINE_MODEL_CAP).map((b) => b.model),
        ),
      };
      const { actions, rules } = suggestActions(base, options.config);
      return { ...base, actions, rules };
    },
  };
}

function snapshot(timeline: TimeBuckets, originMs: number, breakerModels: readonly string[]): Timeline {
  const series = [
    WAIT_SERIES,
    FAILURE_SERIES,
    ...breakerModels.flatMap((m) => [breakerSeries("open", m), breakerSeries("half_open", m)]),
  ];
  const { startMs, bucketMs, values } = timeline.snapshot(series);
  const of = (s: string): number[] => values.get(s) ?? [];
  return {
    startMs,
    originMs,
    bucketMs,
    buckets: of(WAIT_SERIES).length,
    breakers: breakerModels.map((model) => ({
      model,
      openMs: of(breakerSeries("open", model)),
      halfOpenMs: of(breakerSeries("half_open", model)),
    })),
    waitMs: of(WAIT_SERIES),
    failures: of(FAILURE_SERIES),
  };
}
