import type { ModelId } from "../../src/core/model-id.ts";
import type { OracleErrorType, OracleReason } from "../oracle/action-table.ts";
import type { AuditEventName, AuditLine } from "../oracle/audit-schema.ts";
import type { BuiltLine } from "./build-audit-line.ts";
import { ClosedRequests } from "./closed-requests.ts";
import type { ProblemDraft } from "./field-reader.ts";
import { SYNTHESIZED, type IncidentFormat, type IncidentLine } from "./incident-line.ts";
import { answersOpenAttempt, EMPTY_REQUEST, type OpenAttempt, type RequestView } from "./request-view.ts";

/** How much the tracker may hold; each bound trades exactness on pathological logs for constant memory. */
export interface TrackerLimits {
  /** Requests open at once; the least recently active one is closed early beyond it. */
  readonly maxOpenRequests: number;
  /** Lines held back, over all requests, waiting for a synthesized chain; the oldest request is flushed beyond it. */
  readonly maxBufferedLines: number;
  /** Closed request keys remembered to number a key's next request (`key#2`); oldest forgotten first. */
  readonly rememberedRequests: number;
}

/** What the tracker holds: open requests, lines held back, closed request keys remembered. */
export interface TrackerCounts {
  readonly openRequests: number;
  readonly bufferedLines: number;
  readonly rememberedRequests: number;
}

/** A request beyond this many distinct models stops growing its chain: no real chain is that long. */
const MAX_MODELS_PER_REQUEST = 64;
const STARTING_EVENTS: ReadonlySet<AuditEventName> = new Set([
  "fallback_request",
  "fallback_attempt",
  "fallback_success",
  "fallback_failure",
  "fallback_model_skipped",
  "fallback_exhausted",
]);
const HEAD_KEYS = ["seq", "ts", "event", "request_id", "agent", "chain", "primary"] as const;

/** A `fallback_request` that waits for the request's models: synthesized, or logged without a chain. */
interface PendingHead {
  readonly line: number;
  readonly seq: number;
  readonly ts: string;
  readonly primary: ModelId | undefined;
  readonly format: IncidentFormat;
  /** Null for a synthesized head; else the head fields its source line lacked. */
  readonly derived: readonly string[] | null;
}

class RequestState implements RequestView {
  readonly models: ModelId[] = [];
  /** Made on the first attempt number: most requests are read and closed in a few lines, a Map each was garbage. */
  #modelAttempts: Map<string, number> | null = null;
  attempts = 0;
  openAttempt: OpenAttempt | null = null;
  lastFailure: { errorType: OracleErrorType; reason: OracleReason } | null = null;
  skipped = 0;
  chainFirst: ModelId | undefined;
  head: PendingHead | null = null;
  buffer: IncidentLine[] = [];
  /** The chain written early (before the request ended), to warn once about a model it lacks. */
  earlyChain: ReadonlySet<string> | null = null;

  constructor(
    readonly slot: string,
    readonly id: string,
    readonly idDerived: boolean,
    readonly use: number,
    readonly agent: string,
    readonly firstLine: number,
  ) {}

  modelAttempts(model: string): number {
    return this.#modelAttempts?.get(model) ?? 0;
  }

  get firstModel(): ModelId | undefined {
    return this.chainFirst ?? this.head?.primary ?? this.models[0];
  }

  #use(model: ModelId, modelAttempt?: number): void {
    if (!this.models.includes(model)) {
      if (this.models.length >= MAX_MODELS_PER_REQUEST) return;
      this.models.push(model);
    }
    if (modelAttempt !== undefined) {
      this.#modelAttempts ??= new Map();
      this.#modelAttempts.set(model, Math.max(modelAttempt, this.#modelAttempts.get(model) ?? 0));
    }
  }

  /** Takes a line into the request's state; true when it ends the request. */
  apply(audit: AuditLine): boolean {
    switch (audit.event) {
      case "fallback_request":
        this.chainFirst = audit.chain[0];
        return false;
      case "fallback_attempt":
        this.attempts = Math.max(this.attempts, audit.attempt);
        this.#use(audit.model, audit.model_attempt);
        this.openAttempt = {
          model: audit.model,
          attempt: audit.attempt,
          modelAttempt: audit.model_attempt,
          // Every line reaching the tracker passed the oracle's schema, so its ts is exact ISO.
          tsMs: Date.parse(audit.ts),
        };
        return false;
      case "fallback_failure":
        this.attempts = Math.max(this.attempts, audit.attempt);
        this.#use(audit.model, audit.model_attempt);
        this.openAttempt = null;
        this.lastFailure = { errorType: audit.error_type, reason: audit.reason };
        return audit.action === "fail";
      case "fallback_success":
        this.attempts = Math.max(this.attempts, audit.attempt);
        this.#use(audit.model);
        this.openAttempt = null;
        return true;
      case "fallback_model_skipped":
        this.#use(audit.model);
        this.skipped += 1;
        return false;
      case "fallback_exhausted":
        return true;
      case "circuit_transition":
      case "fallback_promoted":
        return false;
      default: {
        const never: never = audit;
        throw new Error(`unhandled event ${JSON.stringify(never)}`);
      }
    }
  }
}

/** Where a line goes: an open request, a new one, or none (a circuit line after its request ended). */
export type Resolution =
  | { readonly kind: "existing"; readonly state: RequestState }
  | {
      readonly kind: "new";
      readonly slot: string;
      readonly id: string;
      readonly idDerived: boolean;
      readonly use: number;
      readonly replaces: RequestState | null;
    }
  | { readonly kind: "ended"; readonly id: string; readonly idDerived: boolean; readonly view: RequestView };

/** What is remembered of a closed request: enough to number the key's next one and to read its last lines. */
interface ClosedRequest {
  readonly uses: number;
  readonly id: string;
  readonly idDerived: boolean;
  /** Closed by a failure with action `fail`: a `fallback_exhausted` may still follow (SPEC §8 writes one). */
  readonly endedByFail: boolean;
  readonly view: RequestView;
}

/** The request state a line's derivations see. */
export function viewOf(resolution: Resolution): RequestView {
  switch (resolution.kind) {
    case "existing":
      return resolution.state;
    case "ended":
      return resolution.view;
    case "new":
      return EMPTY_REQUEST;
    default: {
      const never: never = resolution;
      throw new Error(`unhandled resolution ${JSON.stringify(never)}`);
    }
  }
}

/** The resolved request id and whether the source lacked it (or it was renamed). */
export function requestIdOf(resolution: Resolution): { readonly id: string; readonly derived: boolean } {
  if (resolution.kind === "existing") return { id: resolution.state.id, derived: resolution.state.idDerived };
  return { id: resolution.id, derived: resolution.idDerived };
}

/** A line to commit: built, with where it came from and how to list its derived fields. */
export interface CommitInput {
  readonly line: number;
  readonly format: IncidentFormat;
  readonly built: BuiltLine;
  readonly ts: string;
  readonly agent: string;
  /** The `seq` the source gave; undefined to number the line in order. */
  readonly givenSeq: number | undefined;
  /** The fields among `keys` the source did not carry; null when it carried them all (a strict SPEC line). */
  readonly derivedOf: ((keys: readonly string[]) => string[]) | null;
}

/** The `derived` of every line that derived nothing: one frozen list, not one per line. */
const NOTHING_DERIVED: readonly string[] = Object.freeze([]);

function isOutcome(event: AuditEventName): boolean {
  return event === "fallback_success" || event === "fallback_failure";
}

function derivedKeys(audit: AuditLine): string[] {
  return [SYNTHESIZED, ...Object.keys(audit).filter((key) => key !== "v")];
}

/**
 * Groups lines into requests (by request key, or one keyless request at a time), numbers them, synthesizes
 * the `fallback_request` and `fallback_attempt` lines a log lacks, and holds back a request's lines while its
 * synthesized chain is still growing. It keeps only open requests and a bounded memory of closed keys.
 */
export class RequestTracker implements TrackerCounts {
  readonly #limits: TrackerLimits;
  readonly #emit: (line: IncidentLine) => void;
  readonly #report: (line: number, problem: ProblemDraft) => void;
  /** Open requests by slot, least recently active first. */
  readonly #open = new Map<string, RequestState>();
  /** The request last put at the end of `#open` (it may have closed since). */
  #newest: RequestState | null = null;
  /** Closed slots: how many requests used the key, and the last one's id. */
  readonly #closed: ClosedRequests<ClosedRequest>;
  #buffered = 0;
  #lastSeq = 0;
  /** The last key and its slot: a request's lines mostly come together, and the slot string is then reused (its hash with it). */
  #lastKey: string | undefined = undefined;
  #lastSlot = "-";
  #synthesized = 0;

  constructor(
    limits: TrackerLimits,
    emit: (line: IncidentLine) => void,
    report: (line: number, problem: ProblemDraft) => void,
  ) {
    this.#limits = limits;
    this.#closed = new ClosedRequests(limits.rememberedRequests);
    this.#emit = emit;
    this.#report = report;
  }

  get openRequests(): number {
    return this.#open.size;
  }

  /** Lines held back, over all requests. */
  get bufferedLines(): number {
    return this.#buffered;
  }

  get rememberedRequests(): number {
    return this.#closed.size;
  }

  /** Lines the tracker made up so far. */
  get synthesized(): number {
    return this.#synthesized;
  }

  /**
   * Which request a line belongs to. A `fallback_request` always starts one; with `restartsAtOne` (lines
   * whose ids may be session ids) so does an attempt numbered 1 after attempts were made, unless it is the
   * outcome of an open attempt 1. A circuit or promotion line after its request closed, and the
   * `fallback_exhausted` SPEC §8 writes after a failure with action `fail`, go to the closed request
   * (`ended`). Pure: nothing changes until {@link commit}.
   */
  resolve(
    key: string | undefined,
    event: AuditEventName,
    attempt: number | undefined,
    line: number,
    restartsAtOne: boolean,
  ): Resolution {
    const slot = this.#slotOf(key);
    const state = this.#open.get(slot);
    if (state !== undefined) {
      const restart =
        restartsAtOne &&
        attempt === 1 &&
        state.attempts >= 1 &&
        (event === "fallback_attempt" || (isOutcome(event) && state.openAttempt?.attempt !== 1));
      if (event !== "fallback_request" && !restart) return { kind: "existing", state };
    }
    const closed = state === undefined ? this.#closed.get(slot) : undefined;
    const closing = event === "fallback_exhausted" && closed?.endedByFail === true;
    if (closed !== undefined && (closing || !STARTING_EVENTS.has(event)))
      return { kind: "ended", id: closed.id, idDerived: closed.idDerived, view: closed.view };
    if (!STARTING_EVENTS.has(event))
      return { kind: "ended", id: key ?? `line-${line}`, idDerived: key === undefined, view: EMPTY_REQUEST };
    const use = (state?.use ?? closed?.uses ?? 0) + 1;
    const id = key === undefined ? `line-${line}` : use === 1 || !restartsAtOne ? key : `${key}#${use}`;
    return { kind: "new", slot, id, idDerived: id !== key, use, replaces: state ?? null };
  }

  #slotOf(key: string | undefined): string {
    if (key === undefined) return "-";
    if (key !== this.#lastKey) {
      this.#lastKey = key;
      this.#lastSlot = `=${key}`;
    }
    return this.#lastSlot;
  }

  /** Takes a resolved line: opens or closes requests, synthesizes missing lines, emits or holds back. */
  commit(resolution: Resolution, input: CommitInput): void {
    const state = this.#stateFor(resolution, input);
    const { built } = input;
    if (built.kind === "head") {
      if (state === null) return;
      // A logged fallback_request without a chain: like a synthesized one, but with its own fields.
      state.head = {
        line: input.line,
        seq: this.#seq(input.givenSeq),
        ts: input.ts,
        primary: built.primary,
        format: input.format,
        derived: input.derivedOf === null ? NOTHING_DERIVED : input.derivedOf(HEAD_KEYS),
      };
      return;
    }
    const audit = built.audit;
    if (
      state !== null &&
      (audit.event === "fallback_success" || audit.event === "fallback_failure") &&
      !answersOpenAttempt(state, audit.model, audit.attempt)
    )
      this.#synthesizeAttempt(state, audit, input);
    const seq = this.#seq(input.givenSeq);
    const line: IncidentLine = {
      line: input.line,
      format: input.format,
      // A line keeping its own seq is handed out as read (each read line is a fresh object): no copy.
      audit: audit.seq === seq ? audit : { ...audit, seq },
      derived: input.derivedOf === null ? NOTHING_DERIVED : input.derivedOf(Object.keys(audit)),
    };
    if (state === null) {
      this.#emit(line);
      return;
    }
    if (audit.event === "fallback_request") this.#emit(line);
    else this.#route(state, line);
    if ("model" in audit) this.#checkEarlyChain(state, audit.model, input.line);
    if (state.apply(audit)) this.#close(state, audit.event === "fallback_failure");
  }

  /** Writes every open request out (at the end of the log), oldest first. */
  finish(): void {
    const states = [...this.#open.values()].sort((a, b) => a.firstLine - b.firstLine);
    for (const state of states) this.#close(state);
  }

  #seq(given: number | undefined): number {
    if (given === undefined) return ++this.#lastSeq;
    this.#lastSeq = Math.max(this.#lastSeq, given);
    return given;
  }

  #stateFor(resolution: Resolution, input: CommitInput): RequestState | null {
    switch (resolution.kind) {
      case "ended":
        return null;
      case "existing":
        // Re-inserting keeps the map in least-recently-active order for eviction; the request of the line
        // before, most often the same, is last already.
        if (resolution.state !== this.#newest) {
          this.#open.delete(resolution.state.slot);
          this.#open.set(resolution.state.slot, resolution.state);
          this.#newest = resolution.state;
        }
        return resolution.state;
      case "new":
        return this.#start(resolution, input);
      default: {
        const never: never = resolution;
        throw new Error(`unhandled resolution ${JSON.stringify(never)}`);
      }
    }
  }

  #start(resolution: Extract<Resolution, { kind: "new" }>, input: CommitInput): RequestState {
    if (resolution.replaces !== null) this.#close(resolution.replaces);
    while (this.#open.size >= this.#limits.maxOpenRequests) {
      const oldest = this.#open.values().next().value;
      if (oldest === undefined) break;
      this.#report(input.line, {
        severity: "warning",
        kind: "request-evicted",
        path: "$",
        expected: `at most ${this.#limits.maxOpenRequests} requests open at once`,
        message: `request ${oldest.id} (from line ${oldest.firstLine}) is still open among ${this.#limits.maxOpenRequests}; it is closed here, and a later line of it starts a new request`,
      });
      this.#close(oldest);
    }
    const state = new RequestState(
      resolution.slot,
      resolution.id,
      resolution.idDerived,
      resolution.use,
      input.agent,
      input.line,
    );
    this.#open.set(resolution.slot, state);
    this.#newest = state;
    const { built } = input;
    if (built.kind === "line" && built.audit.event !== "fallback_request") {
      const audit = built.audit;
      const attemptTs = this.#needsAttempt(state, audit) ? this.#attemptTs(audit) : input.ts;
      state.head = {
        line: input.line,
        seq: this.#seq(undefined),
        ts: attemptTs < input.ts ? attemptTs : input.ts,
        primary: undefined,
        format: input.format,
        derived: null,
      };
      if (input.format === "spec")
        this.#report(input.line, {
          severity: "warning",
          kind: "request-not-started",
          path: "$.event",
          expected: "fallback_request as a request's first line",
          message: `request ${state.id} starts with ${audit.event}, not fallback_request (a log cut mid-request?); one is synthesized with the models the request used`,
        });
      // A derived attempt number starts at 1, so a higher one on a request's first line was logged: the
      // request began before the log did (a rotated file).
      else if ("attempt" in audit && audit.attempt > 1)
        this.#report(input.line, {
          severity: "warning",
          kind: "request-not-started",
          path: "$.attempt",
          expected: "attempt 1 on a request's first line",
          message: `request ${state.id} first appears at attempt ${audit.attempt} (a log cut mid-request?); its earlier attempts are not in the log`,
        });
    }
    return state;
  }

  #needsAttempt(state: RequestState, audit: AuditLine): boolean {
    return (
      (audit.event === "fallback_success" || audit.event === "fallback_failure") &&
      !answersOpenAttempt(state, audit.model, audit.attempt)
    );
  }

  #attemptTs(audit: AuditLine): string {
    const ts = Date.parse(audit.ts);
    const latency = "latency_ms" in audit ? audit.latency_ms : 0;
    return new Date(Math.max(0, ts - latency)).toISOString();
  }

  #synthesizeAttempt(
    state: RequestState,
    audit: Extract<AuditLine, { event: "fallback_success" | "fallback_failure" }>,
    input: CommitInput,
  ): void {
    const attempt: AuditLine = {
      v: 1,
      seq: this.#seq(undefined),
      ts: this.#attemptTs(audit),
      event: "fallback_attempt",
      request_id: audit.request_id,
      agent: audit.agent,
      model: audit.model,
      attempt: audit.attempt,
      model_attempt:
        audit.event === "fallback_failure" ? audit.model_attempt : state.modelAttempts(audit.model) + 1,
    };
    this.#synthesized += 1;
    this.#route(state, {
      line: input.line,
      format: input.format,
      audit: attempt,
      derived: derivedKeys(attempt),
    });
    state.apply(attempt);
    if (input.format === "spec")
      this.#report(input.line, {
        severity: "warning",
        kind: "attempt-not-logged",
        path: "$.event",
        expected: "a fallback_attempt before its outcome",
        message: `${audit.event} of attempt ${audit.attempt} on ${audit.model} has no fallback_attempt line; one is synthesized`,
      });
  }

  #route(state: RequestState, line: IncidentLine): void {
    if (state.head === null) {
      this.#emit(line);
      return;
    }
    state.buffer.push(line);
    this.#buffered += 1;
    if (this.#buffered <= this.#limits.maxBufferedLines) return;
    let oldest: RequestState | undefined;
    for (const open of this.#open.values())
      if (open.head !== null) {
        oldest = open;
        break;
      }
    if (oldest === undefined) return;
    this.#report(line.line, {
      severity: "warning",
      kind: "request-flushed-early",
      path: "$",
      expected: `at most ${this.#limits.maxBufferedLines} lines held for requests without a fallback_request`,
      message: `request ${oldest.id} (from line ${oldest.firstLine}) has no end yet; its fallback_request is written now with the models seen so far (${oldest.models.join(", ") || "none"})`,
    });
    this.#flush(oldest);
    oldest.earlyChain = new Set(oldest.models);
  }

  #checkEarlyChain(state: RequestState, model: string, line: number): void {
    if (state.earlyChain === null || state.earlyChain.has(model)) return;
    state.earlyChain = null;
    this.#report(line, {
      severity: "warning",
      kind: "chain-incomplete",
      path: "$.model",
      expected: "a model of the request's chain",
      message: `request ${state.id} uses ${model} after its synthesized chain was written early; the chain lacks it`,
    });
  }

  #flush(state: RequestState): void {
    const head = state.head;
    if (head !== null) {
      state.head = null;
      const chain = [...new Set([head.primary, ...state.models].filter((model) => model !== undefined))];
      const primary = chain[0];
      if (primary === undefined) {
        this.#report(head.line, {
          severity: "warning",
          kind: "chain-unknown",
          path: "$.chain",
          expected: "a model the request used",
          message: `request ${state.id} names no model, so no fallback_request can be written for it; its lines are passed on without one`,
        });
      } else {
        const audit: AuditLine = {
          v: 1,
          seq: head.seq,
          ts: head.ts,
          event: "fallback_request",
          request_id: state.id,
          agent: state.agent,
          chain,
          primary,
        };
        if (head.derived === null) this.#synthesized += 1;
        this.#emit({
          line: head.line,
          format: head.format,
          audit,
          derived: head.derived ?? derivedKeys(audit),
        });
        state.chainFirst = primary;
      }
    }
    for (const line of state.buffer) this.#emit(line);
    this.#buffered -= state.buffer.length;
    state.buffer = [];
  }

  #close(state: RequestState, endedByFail = false): void {
    this.#flush(state);
    this.#open.delete(state.slot);
    this.#closed.set(state.slot, {
      uses: state.use,
      id: state.id,
      idDerived: state.idDerived,
      endedByFail,
      view: {
        ...EMPTY_REQUEST,
        attempts: state.attempts,
        firstModel: state.firstModel,
        lastFailure: state.lastFailure,
        skipped: state.skipped,
        agent: state.agent,
      },
    });
  }
}
