/**
 * What a scenario's timeline shows, derived from its audit text alone (so it draws any engine's log): one
 * lane per request, its attempts with outcome and announced wait, and each model's breaker state over time
 * from its `circuit_transition` lines. Times are ms since the scenario's start. Lines that do not parse or
 * lack what a mark needs are left out here; the checker reports them.
 */

/** How an attempt ended, as the audit tells it. */
export type AttemptOutcome = "success" | "failure" | "pending";

/** A breaker state of SPEC §7. */
export type BreakerState = "closed" | "open" | "half_open";

/** One `fallback_attempt` line and its answer. */
export interface AttemptMark {
  readonly requestId: string;
  readonly model: string;
  readonly attempt: number;
  readonly start: number;
  /** When its success or failure was written; `start` while pending. */
  readonly end: number;
  readonly outcome: AttemptOutcome;
  readonly reason: string | null;
  readonly action: string | null;
  /** The failure's `delay_ms` (a retry wait), 0 when none. */
  readonly waitMs: number;
  /** Audit line numbers of the attempt and its answer. */
  readonly lines: readonly number[];
}

/** A model skipped by the walk (`fallback_model_skipped`). */
export interface SkipMark {
  readonly at: number;
  readonly model: string;
  readonly reason: string;
  readonly line: number;
}

/** One request: from `fallback_request` to its terminal line. */
export interface Lane {
  readonly requestId: string;
  readonly start: number;
  /** The terminal line's time; null when the log has none. */
  readonly end: number | null;
  readonly terminal: "success" | "exhausted" | "none";
  readonly servedBy: string | null;
  readonly attempts: readonly AttemptMark[];
  readonly skips: readonly SkipMark[];
  /** Every audit line number of this request. */
  readonly lines: readonly number[];
}

/** One stretch of one model's breaker in one state. */
export interface BreakerInterval {
  readonly model: string;
  readonly state: BreakerState;
  readonly start: number;
  readonly end: number;
  /** The `circuit_transition` line that began it; null for the initial closed interval. */
  readonly line: number | null;
  readonly cause: string | null;
}

/** A scenario's timeline. */
export interface TimelineModel {
  /** The last moment anything happened, ms since start. */
  readonly spanMs: number;
  readonly lanes: readonly Lane[];
  /** Every model named in the log, in order of first sight. */
  readonly models: readonly string[];
  readonly bands: readonly BreakerInterval[];
}

type Row = Readonly<Record<string, unknown>>;

interface MutableLane {
  requestId: string;
  start: number;
  end: number | null;
  terminal: Lane["terminal"];
  servedBy: string | null;
  attempts: MutableAttempt[];
  skips: SkipMark[];
  lines: number[];
}

type MutableAttempt = { -readonly [K in keyof AttemptMark]: AttemptMark[K] } & { lines: number[] };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const isState = (v: unknown): v is BreakerState => v === "closed" || v === "open" || v === "half_open";

/** Every JSON object line of the audit with its 1-based line number. */
export function numberedAuditLines(text: string): { line: number; row: Row }[] {
  const rows: { line: number; row: Row }[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === "object" && value !== null && !Array.isArray(value))
        rows.push({ line: i + 1, row: value as Row });
    } catch {
      // not JSON: the checker reports it; the timeline has nothing to draw for it
    }
  });
  return rows;
}

/** Builds the timeline of one run from its audit text and its start (epoch ms, the clock the audit uses). */
export function timelineModel(startMs: number, auditText: string): TimelineModel {
  const lanes = new Map<string, MutableLane>();
  const models: string[] = [];
  const seen = new Set<string>();
  const transitions: { model: string; at: number; to: BreakerState; line: number; cause: string | null }[] =
    [];
  let span = 0;
  const see = (model: string | null): void => {
    if (model !== null && !seen.has(model)) {
      seen.add(model);
      models.push(model);
    }
  };

  for (const { line, row } of numberedAuditLines(auditText)) {
    const parsed = typeof row.ts === "string" ? Date.parse(row.ts) : Number.NaN;
    if (Number.isNaN(parsed)) continue;
    const at = Math.max(0, parsed - startMs);
    span = Math.max(span, at);
    const model = str(row.model);
    const requestId = str(row.request_id);
    const event = str(row.event);
    see(model);
    if (event === "circuit_transition") {
      if (model !== null && isState(row.to))
        transitions.push({ model, at, to: row.to, line, cause: str(row.cause) });
      continue;
    }
    if (requestId === null) continue;
    let lane = lanes.get(requestId);
    if (event === "fallback_request") {
      if (Array.isArray(row.chain)) for (const m of row.chain) see(str(m));
      lane ??= {
        requestId,
        start: at,
        end: null,
        terminal: "none",
        servedBy: null,
        attempts: [],
        skips: [],
        lines: [],
      };
      lanes.set(requestId, lane);
    }
    if (lane === undefined) continue;
    lane.lines.push(line);
    const attemptNo = num(row.attempt);
    const open = lane.attempts.findLast((a) => a.attempt === attemptNo && a.outcome === "pending");
    switch (event) {
      case "fallback_attempt":
        if (model !== null && attemptNo !== null) {
          lane.attempts.push({
            requestId,
            model,
            attempt: attemptNo,
            start: at,
            end: at,
            outcome: "pending",
            reason: null,
            action: null,
            waitMs: 0,
            lines: [line],
          });
        }
        break;
      case "fallback_success":
      case "fallback_failure":
        if (open) {
          open.end = at;
          open.outcome = event === "fallback_success" ? "success" : "failure";
          open.reason = str(row.reason);
          open.action = str(row.action);
          open.waitMs = num(row.delay_ms) ?? 0;
          open.lines.push(line);
          span = Math.max(span, at + open.waitMs);
        }
        if (event === "fallback_success") {
          lane.end = at;
          lane.terminal = "success";
          lane.servedBy = model;
        }
        break;
      case "fallback_exhausted":
        lane.end = at;
        lane.terminal = "exhausted";
        break;
      case "fallback_model_skipped":
        if (model !== null) lane.skips.push({ at, model, reason: str(row.reason) ?? "?", line });
        break;
      case null:
      default:
        break; // fallback_request (handled above), fallback_promoted, unknown events: nothing to draw
    }
  }

  return { spanMs: span, lanes: [...lanes.values()], models, bands: breakerBands(models, transitions, span) };
}

/** Each model starts closed; every transition starts a new interval in its `to` state. */
function breakerBands(
  models: readonly string[],
  transitions: readonly { model: string; at: number; to: BreakerState; line: number; cause: string | null }[],
  span: number,
): BreakerInterval[] {
  const bands: BreakerInterval[] = [];
  for (const model of models) {
    let current: BreakerInterval = { model, state: "closed", start: 0, end: span, line: null, cause: null };
    for (const t of transitions) {
      if (t.model !== model) continue;
      bands.push({ ...current, end: t.at });
      current = { model, state: t.to, start: t.at, end: span, line: t.line, cause: t.cause };
    }
    bands.push(current);
  }
  return bands;
}

/** The lanes to draw when there are more than `cap`: those a violation names first, then failed ones, then the rest, shown in log order. */
export function selectLanes(
  lanes: readonly Lane[],
  flagged: ReadonlySet<number>,
  cap: number,
): { drawn: Lane[]; hidden: number; hiddenAttempts: number } {
  if (lanes.length <= cap) return { drawn: [...lanes], hidden: 0, hiddenAttempts: 0 };
  const rank = (lane: Lane): number =>
    lane.lines.some((l) => flagged.has(l)) ? 0 : lane.terminal !== "success" ? 1 : 2;
  const order = lanes
    .map((lane, i) => ({ lane, i }))
    .sort((a, b) => rank(a.lane) - rank(b.lane) || a.i - b.i);
  const keep = new Set(order.slice(0, cap).map((x) => x.i));
  const drawn = lanes.filter((_, i) => keep.has(i));
  const hiddenLanes = lanes.filter((_, i) => !keep.has(i));
  return {
    drawn,
    hidden: hiddenLanes.length,
    hiddenAttempts: hiddenLanes.reduce((n, l) => n + l.attempts.length, 0),
  };
}
