import type { AuditLine } from "../../oracle/audit-schema.ts";
import type { PrimaryEpisode, PrimaryFindings } from "../triage-findings.ts";
import type { ClosedRequest } from "./request-tally.ts";

interface OpenEpisode {
  readonly startLine: number;
  readonly startMs: number;
  readonly startReason: string;
  circuitOpenedMs: number | null;
  servedElsewhere: number;
  endedInError: number;
}

interface PrimaryState {
  episode: OpenEpisode | null;
  outages: number;
  blips: number;
  first: PrimaryEpisode | null;
  longest: PrimaryEpisode | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** An episode touched traffic when a request went elsewhere or failed, or the circuit opened. */
function isOutage(episode: OpenEpisode): boolean {
  return episode.servedElsewhere > 0 || episode.endedInError > 0 || episode.circuitOpenedMs !== null;
}

function settle(
  episode: OpenEpisode,
  back: { line: number; ms: number } | null,
  endMs: number,
): PrimaryEpisode {
  const endAt = back?.ms ?? endMs;
  return {
    startLine: episode.startLine,
    startTs: iso(episode.startMs),
    startReason: episode.startReason,
    circuitOpenedTs: episode.circuitOpenedMs === null ? null : iso(episode.circuitOpenedMs),
    backLine: back?.line ?? null,
    backTs: back === null ? null : iso(back.ms),
    durationMs: back === null ? null : Math.max(0, endAt - episode.startMs),
    sinceOpenMs:
      back === null || episode.circuitOpenedMs === null ? null : Math.max(0, endAt - episode.circuitOpenedMs),
    servedElsewhere: episode.servedElsewhere,
    endedInError: episode.endedInError,
  };
}

/** Never-returned episodes compare by how long they had run when the log ended. */
function lengthOf(episode: PrimaryEpisode, endMs: number): number {
  return episode.durationMs ?? Math.max(0, endMs - Date.parse(episode.startTs));
}

/**
 * Time to get back to the primary: for every model that is some request's primary, an episode starts at
 * its first failure and ends at its next success (any request's), counting meanwhile the requests with that
 * primary served elsewhere or failed. An episode still open at the log's end never got back.
 */
export class PrimaryRecovery {
  readonly #primaries = new Map<string, PrimaryState>();

  feed(audit: AuditLine, line: number, ms: number): void {
    if (audit.event === "fallback_request" && !this.#primaries.has(audit.primary)) {
      this.#primaries.set(audit.primary, { episode: null, outages: 0, blips: 0, first: null, longest: null });
      return;
    }
    if (
      audit.event !== "fallback_failure" &&
      audit.event !== "fallback_success" &&
      audit.event !== "circuit_transition"
    )
      return;
    const state = this.#primaries.get(audit.model);
    if (state === undefined) return;
    if (audit.event === "fallback_failure") {
      state.episode ??= {
        startLine: line,
        startMs: ms,
        startReason: audit.reason,
        circuitOpenedMs: null,
        servedElsewhere: 0,
        endedInError: 0,
      };
    } else if (audit.event === "circuit_transition") {
      if (state.episode !== null && audit.to === "open") state.episode.circuitOpenedMs ??= ms;
    } else if (state.episode !== null) {
      this.#end(state, state.episode, { line, ms });
    }
  }

  /** A request ended: if its primary is in an episode and someone else served it (or nobody), count it. */
  closed(request: ClosedRequest): void {
    if (request.primary === null) return;
    const episode = this.#primaries.get(request.primary)?.episode;
    if (episode === undefined || episode === null) return;
    if (request.summary.outcome === "error") episode.endedInError += 1;
    else if (request.summary.servedBy !== request.primary) episode.servedElsewhere += 1;
  }

  #end(state: PrimaryState, episode: OpenEpisode, back: { line: number; ms: number }): void {
    state.episode = null;
    if (!isOutage(episode)) {
      state.blips += 1;
      return;
    }
    state.outages += 1;
    const settled = settle(episode, back, back.ms);
    state.first ??= settled;
    if (state.longest === null || (settled.durationMs ?? 0) > (state.longest.durationMs ?? 0))
      state.longest = settled;
  }

  finish(logEndMs: number): PrimaryFindings[] {
    return [...this.#primaries.entries()]
      .map(([primary, state]): PrimaryFindings => {
        const open = state.episode;
        const ongoing = open !== null && isOutage(open) ? settle(open, null, logEndMs) : null;
        const longest =
          ongoing !== null &&
          (state.longest === null || lengthOf(ongoing, logEndMs) > lengthOf(state.longest, logEndMs))
            ? ongoing
            : state.longest;
        return {
          primary,
          outages: state.outages + (ongoing === null ? 0 : 1),
          blips: state.blips + (open !== null && ongoing === null ? 1 : 0),
          first: state.first ?? ongoing,
          longest,
          ongoing,
        };
      })
      .sort((a, b) => (a.primary < b.primary ? -1 : 1));
  }
}
