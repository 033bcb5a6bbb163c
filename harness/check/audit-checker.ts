import type { OracleConfig, OracleSettings } from "../oracle/config-types.ts";
import { parseAuditLine, type AuditLine, type SchemaProblem } from "../oracle/audit-schema.ts";
import { BreakerOracle } from "../oracle/breaker-oracle.ts";
import { PromotionOracle } from "../oracle/chain-oracle.ts";
import { onAttempt, onSkip } from "./attempt-lines.ts";
import { ClosedRequests } from "../incident/closed-requests.ts";
import { fastAuditLine } from "./fast-audit-line.ts";
import { isoMillis } from "./iso-millis.ts";
import { scanAuditLine, scanMayHoldSecret, scannedTsMs } from "./scan-audit-line.ts";
import type { OverlongLine } from "./line-splitter.ts";
import { findSecretFast } from "./secret-prefilter.ts";
import { onFailure, onSuccess } from "./outcome-lines.ts";
import { onTransition, releaseProbe, reportMissingTransitions } from "./breaker-lines.ts";
import { onExhausted, onPromoted, onRequest } from "./request-lines.ts";
import type { CheckContext, LineRef, RequestState } from "./request-state.ts";
import type { RuleId } from "./rules.ts";
import {
  ContextRing,
  ViolationCollector,
  type CheckWarning,
  type ContextLine,
  type Violation,
} from "./violation-collector.ts";

/** How to judge a log. */
export interface CheckOptions {
  /** The settings that governed requests by `agent` (SPEC §2, agent overrides merged). */
  settingsFor(agent: string): OracleSettings;
  /** With a config, request chains are also checked against SPEC §5 resolution. */
  readonly config?: OracleConfig;
  /** Violations kept in full (all are counted); default 200. */
  readonly maxViolations?: number;
  /** Slack for real clocks on time comparisons (deadline, waits), in ms; default 0 (virtual time is exact). */
  readonly clockToleranceMs?: number;
}

/** The verdict on one log. */
export interface CheckResult {
  /** No violations (warnings allowed). */
  readonly ok: boolean;
  /** Lines read. */
  readonly lines: number;
  /**
   * Lines that parse as JSON, and a last line cut mid-write that begins as a JSON object. The others are
   * unusable (not JSON, empty, over-long); a log with none readable is no audit log at all, which `check`
   * reports as unusable input (SPEC §11).
   */
  readonly readableLines: number;
  /** `fallback_request` lines read. */
  readonly requests: number;
  /** The first violations in line order, at most `maxViolations`. */
  readonly violations: readonly Violation[];
  /** Every violation, counted. */
  readonly violationCount: number;
  /** Violations per rule, largest first. */
  readonly counts: Readonly<Partial<Record<RuleId, number>>>;
  readonly warnings: readonly CheckWarning[];
  /** The first violation found in reading order (end-of-log findings come last). */
  readonly firstViolation: Violation | null;
}

const CONTEXT_LINES = 8;
const TEXT_LIMIT = 240;
/** Finished request ids remembered to tell "after its terminal line" from "never started"; FIFO-bounded. */
const FINISHED_MEMORY = 100_000;

function shorten(text: string): string {
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text;
}

function modelOf(line: AuditLine): string | null {
  return "model" in line ? line.model : null;
}

/**
 * The audit checker (SPEC §8) as a line-at-a-time state machine: `feed` each line, then `finish`. It holds
 * only the open requests and one circuit per model, so its memory does not grow with the log.
 */
export class AuditChecker {
  readonly #options: CheckOptions;
  readonly #violations: ViolationCollector;
  readonly #warnings: CheckWarning[] = [];
  readonly #requests = new Map<string, RequestState>();
  /** The last {@link FINISHED_MEMORY} finished request ids (a ring: no allocation per request, no trimming). */
  readonly #finished = new ClosedRequests<true>(FINISHED_MEMORY);
  readonly #modelRings = new Map<string, ContextRing>();
  readonly #settings = new Map<string, OracleSettings>();
  readonly #ctx: CheckContext;
  #lineNo = 0;
  #readable = 0;
  #requestCount = 0;
  #expectedSeq = 1;
  #lastTs = Number.NEGATIVE_INFINITY;
  #cut = false;
  #at: { line: number; text: string } = { line: 0, text: "" };

  constructor(options: CheckOptions) {
    this.#options = options;
    this.#violations = new ViolationCollector(options.maxViolations ?? 200);
    this.#ctx = {
      breakers: new BreakerOracle(),
      promotions: new PromotionOracle(),
      config: options.config,
      toleranceMs: options.clockToleranceMs ?? 0,
      settingsOf: (agent) => this.#settingsOf(agent),
      report: (rule, message, request, model) => this.#report(rule, message, request, model),
    };
  }

  #settingsOf(agent: string): OracleSettings {
    let settings = this.#settings.get(agent);
    if (settings === undefined) {
      settings = this.#options.settingsFor(agent);
      this.#settings.set(agent, settings);
    }
    return settings;
  }

  #report(rule: RuleId, message: string, request: RequestState | null, model: string | null): void {
    const lines = new Map<number, ContextLine>();
    for (const item of request?.history.lines() ?? []) lines.set(item.line, item);
    for (const item of (model === null ? undefined : this.#modelRings.get(model))?.lines() ?? [])
      lines.set(item.line, item);
    const context = [...lines.values()]
      .filter((item) => item.line < this.#at.line)
      .sort((a, b) => a.line - b.line)
      .slice(-CONTEXT_LINES);
    this.#violations.add({
      rule,
      line: this.#at.line,
      message,
      requestId: request?.id ?? null,
      model,
      text: this.#at.text,
      context,
    });
  }

  /**
   * Checks the next line. `mayBePartial` marks the log's last line when the log did not end with a newline:
   * if it does not parse, a crash cut it mid-write, which is a warning (SPEC §8), not a violation.
   */
  feed(text: string, mayBePartial = false): void {
    this.#lineNo += 1;
    this.#at = { line: this.#lineNo, text: shorten(text) };
    // Lines in the writers' layout are read and tested in one pass (scan-audit-line.ts); any other line is
    // decoded by JSON.parse.
    const scanned = scanAuditLine(text);
    if (scanned === undefined) this.#feedDecoded(text, mayBePartial);
    else this.#feedScanned(text, scanned);
  }

  /** A line the scanner accepted: valid as it stands, with its time already read. */
  #feedScanned(text: string, line: AuditLine): void {
    this.#readable += 1;
    this.#checkSeq(line.seq);
    const ts = scannedTsMs();
    this.#checkTs(ts, line.ts);
    // A scanned line whose free strings hold no secret anchor holds no credential (scan-audit-line.ts).
    const secret = scanMayHoldSecret() ? findSecretFast(text) : undefined;
    if (secret !== undefined) this.#reportSecret(secret, this.#requests.get(line.request_id));
    this.#route(line, { line: this.#lineNo, ts });
  }

  /** Any other line: JSON.parse, then the hand-written test, then the schema, which words the problem. */
  #feedDecoded(text: string, mayBePartial: boolean): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      if (mayBePartial) {
        this.#cut = true;
        // An audit line cut mid-write still shows the log is one; a cut line of anything else does not.
        if (text.trimStart().startsWith("{")) this.#readable += 1;
        this.#warnings.push({
          kind: "partial-last-line",
          line: this.#lineNo,
          message: `line ${this.#lineNo} is cut short (no newline, not JSON): the writer stopped mid-line`,
        });
      } else {
        this.#report(
          "line-not-json",
          text.trim() === "" ? "the line is empty" : "the line is not valid JSON",
          null,
          null,
        );
      }
      return;
    }
    this.#readable += 1;
    const record = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    this.#checkSeq(record.seq);
    const ts = isoMillis(record.ts);
    if (ts !== undefined) this.#checkTs(ts, record.ts);
    // The hand-written test passes nearly every line; the schema judges the rest and words their problem.
    let line = fastAuditLine(raw);
    let problem: SchemaProblem | undefined;
    if (line === undefined) {
      const parsed = parseAuditLine(raw);
      if (parsed.ok) line = parsed.line;
      else problem = parsed.problem;
    }
    const secret = findSecretFast(text);
    if (secret !== undefined || problem !== undefined) {
      const known = typeof record.request_id === "string" ? this.#requests.get(record.request_id) : undefined;
      if (secret !== undefined) this.#reportSecret(secret, known);
      if (problem !== undefined) {
        this.#report(problem.rule, problem.message, known ?? null, null);
        return;
      }
    }
    if (line !== undefined) this.#route(line, { line: this.#lineNo, ts: ts ?? 0 });
  }

  /** Counts a line the reader skipped for its length: an unusable line, reported with its number. */
  feedOverlong(line: OverlongLine): void {
    this.#lineNo += 1;
    this.#at = { line: this.#lineNo, text: `<${line.bytes} bytes, not read>` };
    this.#report(
      "line-too-long",
      `the line is ${line.bytes} bytes long, over the limit of ${line.limit} bytes; it was skipped unread (an audit line is a few hundred bytes)`,
      null,
      null,
    );
  }

  #reportSecret(secret: string, request: RequestState | undefined): void {
    this.#report(
      "secret-in-log",
      `the line holds ${secret}; the audit log never holds a credential (SPEC §8)`,
      request ?? null,
      null,
    );
  }

  /** `seq` runs 1, 2, 3 …: read from the raw line so one bad field does not cascade. */
  #checkSeq(seq: unknown): void {
    if (typeof seq === "number" && Number.isInteger(seq) && seq > 0) {
      if (seq !== this.#expectedSeq)
        this.#report(
          "seq-gap",
          `seq ${seq} where ${this.#expectedSeq} was due (1, 2, 3 … without gaps)`,
          null,
          null,
        );
      this.#expectedSeq = seq + 1;
    } else {
      this.#expectedSeq += 1;
    }
  }

  /** `ts` never goes back; `text` is the line's `ts` as written, `ts` its valid value. */
  #checkTs(ts: number, text: unknown): void {
    if (ts < this.#lastTs)
      this.#report(
        "ts-decreasing",
        `ts ${String(text)} is earlier than ${new Date(this.#lastTs).toISOString()} on an earlier line`,
        null,
        null,
      );
    this.#lastTs = Math.max(this.#lastTs, ts);
  }

  #route(line: AuditLine, at: LineRef): void {
    if (line.event === "fallback_request") {
      this.#startRequest(line, at);
      return;
    }
    const request = this.#requests.get(line.request_id);
    if (request === undefined) {
      if (this.#finished.get(line.request_id) !== undefined) {
        this.#report(
          "terminal-not-last",
          `${line.event} for ${line.request_id} after its terminal event; the terminal event is the request's last line`,
          null,
          modelOf(line),
        );
      } else {
        this.#report(
          "request-not-started",
          `${line.event} for ${line.request_id}, which has no fallback_request before it`,
          null,
          modelOf(line),
        );
      }
      return;
    }
    this.#beforeEvent(request, line, at);
    this.#dispatch(request, line, at);
    this.#remember(request, line);
    if (line.event === "fallback_success" || line.event === "fallback_exhausted")
      this.#finishRequest(request);
  }

  #startRequest(line: Extract<AuditLine, { event: "fallback_request" }>, at: LineRef): void {
    this.#requestCount += 1;
    const open = this.#requests.get(line.request_id);
    if (open !== undefined || this.#finished.get(line.request_id) !== undefined) {
      this.#report(
        "request-duplicate",
        `a second fallback_request for ${line.request_id}`,
        open ?? null,
        null,
      );
      return;
    }
    const settings = this.#settingsOf(line.agent);
    const request: RequestState = {
      id: line.request_id,
      agent: line.agent,
      settings,
      startLine: at.line,
      startTs: at.ts,
      startText: this.#at.text,
      chain: line.chain,
      primary: line.primary,
      history: new ContextRing(CONTEXT_LINES),
      attempts: 0,
      walk: settings.enabled ? "chain" : "single",
      walkStartAttempts: 0,
      pos: -1,
      openSkips: null,
      forcedProbe: null,
      current: null,
      pending: null,
      permitted: null,
      expectTransitions: null,
      lastFailure: null,
      lastAction: null,
      notBefore: null,
      compacted: false,
      outcomeUnknown: false,
      promoted: null,
      deadlineReported: false,
      boundReported: false,
    };
    this.#requests.set(line.request_id, request);
    onRequest(this.#ctx, request, line, at);
    this.#remember(request, line);
  }

  /** Checks that hold for every line of a request, before its own event is judged. */
  #beforeEvent(request: RequestState, line: AuditLine, at: LineRef): void {
    const elapsed = at.ts - request.startTs;
    if (elapsed > request.settings.deadline_ms + this.#ctx.toleranceMs && !request.deadlineReported) {
      request.deadlineReported = true;
      this.#report(
        "deadline-exceeded",
        `${elapsed} ms after the request began, past deadline_ms ${request.settings.deadline_ms} (SPEC §6)`,
        request,
        null,
      );
    }
    if (line.event !== "circuit_transition") reportMissingTransitions(this.#ctx, request);
    const permitted = request.permitted;
    if (permitted !== null && !(line.event === "fallback_attempt" && line.model === permitted.model)) {
      request.permitted = null;
      releaseProbe(this.#ctx, request, permitted.model, permitted.probeEpoch, at);
      this.#report(
        "breaker-transition-unexpected",
        `the open → half_open of ${permitted.model} at line ${permitted.line} is not followed by the attempt it permits`,
        request,
        permitted.model,
      );
    }
    if (
      request.promoted !== null &&
      line.event !== "fallback_success" &&
      line.event !== "fallback_exhausted"
    ) {
      this.#report(
        "promotion-misplaced",
        `fallback_promoted at line ${request.promoted.line} is not right before its fallback_success`,
        request,
        request.promoted.model,
      );
      request.promoted = null;
    }
  }

  #dispatch(request: RequestState, line: AuditLine, at: LineRef): void {
    switch (line.event) {
      case "fallback_request":
        return;
      case "fallback_attempt":
        return onAttempt(this.#ctx, request, line, at);
      case "fallback_success":
        return onSuccess(this.#ctx, request, line, at);
      case "fallback_failure":
        return onFailure(this.#ctx, request, line, at);
      case "fallback_model_skipped":
        return onSkip(this.#ctx, request, line, at);
      case "circuit_transition":
        return onTransition(this.#ctx, request, line, at);
      case "fallback_promoted":
        return onPromoted(this.#ctx, request, line, at);
      case "fallback_exhausted":
        return onExhausted(this.#ctx, request, line, at);
      default: {
        const unreachable: never = line;
        return unreachable;
      }
    }
  }

  #remember(request: RequestState, line: AuditLine): void {
    // The current line's record is never changed once made, so the rings can share it.
    const item: ContextLine = this.#at;
    request.history.push(item);
    const model = modelOf(line);
    if (model === null) return;
    let ring = this.#modelRings.get(model);
    if (ring === undefined) {
      ring = new ContextRing(CONTEXT_LINES);
      this.#modelRings.set(model, ring);
    }
    ring.push(item);
  }

  #finishRequest(request: RequestState): void {
    this.#requests.delete(request.id);
    this.#finished.set(request.id, true);
  }

  /** Ends the check: open requests are violations, unless a crash cut the log (then one warning). */
  finish(): CheckResult {
    const open = [...this.#requests.values()];
    if (this.#cut && open.length > 0) {
      this.#warnings.push({
        kind: "open-requests-at-cut",
        line: this.#lineNo,
        message: `${open.length} request(s) had no terminal event when the log was cut (${open
          .slice(0, 5)
          .map((r) => r.id)
          .join(", ")}${open.length > 5 ? ", …" : ""})`,
      });
    } else {
      for (const request of open) {
        this.#at = { line: request.startLine, text: request.startText };
        const pending =
          request.pending === null
            ? ""
            : ` (attempt ${request.pending.attempt} on ${request.pending.model} is still unanswered)`;
        this.#report(
          "request-unterminated",
          `${request.id} never reached fallback_success or fallback_exhausted${pending}; every request ends with exactly one terminal event`,
          request,
          null,
        );
      }
    }
    const first = this.#violations.first;
    return {
      ok: this.#violations.total === 0,
      lines: this.#lineNo,
      readableLines: this.#readable,
      requests: this.#requestCount,
      violations: this.#violations.kept(),
      violationCount: this.#violations.total,
      counts: this.#violations.counts(),
      warnings: [...this.#warnings],
      firstViolation: first,
    };
  }
}
