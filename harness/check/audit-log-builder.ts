import { rowOf, type OracleAction, type OracleReason } from "../oracle/action-table.ts";

/** A fixed start so built logs read the same in every run. */
export const BUILDER_START_MS = Date.UTC(2025, 0, 1, 12, 0, 0);

interface BuiltRequest {
  readonly agent: string;
  readonly chain: readonly string[];
  attempts: number;
  model: string | null;
  modelAttempt: number;
}

/** Options of a built failure; anything left out gets the value a plain failure has. */
export interface FailureOptions {
  readonly delay_ms?: number | null;
  readonly retry_after_ms?: number | null;
  readonly status?: number | null;
  readonly latency_ms?: number;
  readonly error_type?: string;
}

/**
 * Writes audit logs by hand for tests and fixtures: `v`, `seq` and `ts` are stamped, attempt numbers are
 * counted per request, so a test states only what it is about. `raw` writes any object as it is given.
 */
export class AuditLogBuilder {
  readonly #lines: string[] = [];
  readonly #requests = new Map<string, BuiltRequest>();
  #seq = 0;
  now: number;

  constructor(startMs: number = BUILDER_START_MS) {
    this.now = startMs;
  }

  /** Moves the clock forward. */
  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** ISO time `offsetMs` from now. */
  iso(offsetMs = 0): string {
    return new Date(this.now + offsetMs).toISOString();
  }

  /** Appends a line; `v`, `seq` and `ts` are added in front unless `fields` sets them. */
  raw(fields: Record<string, unknown>): this {
    this.#seq += 1;
    this.#lines.push(JSON.stringify({ v: 1, seq: this.#seq, ts: this.iso(), ...fields }));
    return this;
  }

  /** Appends a line exactly as given (for corrupt lines). */
  text(line: string): this {
    this.#lines.push(line);
    return this;
  }

  #request(id: string): BuiltRequest {
    const request = this.#requests.get(id);
    if (request === undefined)
      throw new Error(`Failed to build the line: request ${id} was not started. Call request() first.`);
    return request;
  }

  request(id: string, chain: readonly string[], options: { agent?: string; primary?: string } = {}): this {
    const agent = options.agent ?? "build";
    this.#requests.set(id, { agent, chain, attempts: 0, model: null, modelAttempt: 0 });
    return this.raw({
      event: "fallback_request",
      request_id: id,
      agent,
      chain,
      primary: options.primary ?? chain[0],
    });
  }

  attempt(id: string, model: string): this {
    const request = this.#request(id);
    request.attempts += 1;
    request.modelAttempt = request.model === model ? request.modelAttempt + 1 : 1;
    request.model = model;
    return this.raw({
      event: "fallback_attempt",
      request_id: id,
      agent: request.agent,
      model,
      attempt: request.attempts,
      model_attempt: request.modelAttempt,
    });
  }

  /** A new walk (on_all_open) starts model_attempt again at 1 on the next attempt. */
  newWalk(id: string): this {
    this.#request(id).model = null;
    return this;
  }

  failure(id: string, reason: OracleReason, action: OracleAction, options: FailureOptions = {}): this {
    const request = this.#request(id);
    return this.raw({
      event: "fallback_failure",
      request_id: id,
      agent: request.agent,
      model: request.model,
      attempt: request.attempts,
      model_attempt: request.modelAttempt,
      error_type: options.error_type ?? rowOf(reason).type,
      reason,
      status: options.status ?? null,
      retry_after_ms: options.retry_after_ms ?? null,
      action,
      delay_ms: options.delay_ms ?? null,
      latency_ms: options.latency_ms ?? 0,
    });
  }

  success(id: string, options: { fallback?: boolean; latency_ms?: number } = {}): this {
    const request = this.#request(id);
    return this.raw({
      event: "fallback_success",
      request_id: id,
      agent: request.agent,
      model: request.model,
      attempt: request.attempts,
      latency_ms: options.latency_ms ?? 0,
      fallback: options.fallback ?? request.model !== request.chain[0],
    });
  }

  skip(id: string, model: string, reason: "circuit_open" | "half_open_busy" | "invalid" | "deadline"): this {
    return this.raw({
      event: "fallback_model_skipped",
      request_id: id,
      agent: this.#request(id).agent,
      model,
      reason,
    });
  }

  transition(
    id: string,
    model: string,
    from: string,
    to: string,
    fields: { failures: number; cooldownUntil: number | null; cause: string },
  ): this {
    return this.raw({
      event: "circuit_transition",
      request_id: id,
      agent: this.#request(id).agent,
      model,
      from,
      to,
      failures: fields.failures,
      cooldown_until: fields.cooldownUntil === null ? null : new Date(fields.cooldownUntil).toISOString(),
      cause: fields.cause,
    });
  }

  promoted(id: string, model: string, untilMs: number): this {
    return this.raw({
      event: "fallback_promoted",
      request_id: id,
      agent: this.#request(id).agent,
      model,
      until: new Date(untilMs).toISOString(),
    });
  }

  exhausted(
    id: string,
    reason: string,
    options: { error_type?: string | null; attempts?: number } = {},
  ): this {
    const request = this.#request(id);
    const errorType =
      options.error_type !== undefined
        ? options.error_type
        : reason === "deadline" || reason === "all_open"
          ? null
          : rowOf(reason as OracleReason).type;
    return this.raw({
      event: "fallback_exhausted",
      request_id: id,
      agent: request.agent,
      attempts: options.attempts ?? request.attempts,
      error_type: errorType,
      reason,
    });
  }

  lines(): string[] {
    return [...this.#lines];
  }

  /** The log as a JSONL file body, with a trailing newline. */
  toString(): string {
    return `${this.#lines.join("\n")}\n`;
  }
}

/** The lines of a built log as an async iterable, as `checkAuditStream` takes them. */
export async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) {
    await Promise.resolve();
    yield line;
  }
}
