import type { Clock } from "../core/clock.ts";
import { AuditEventSchema, type AuditEvent, type AuditEventBody, type AuditEventName } from "./events.ts";
import type { AuditSink } from "./sink.ts";

/** Options of {@link AuditWriter}. */
export interface AuditWriterOptions {
  /**
   * Check every line against `AuditEventSchema` before writing it and throw on the first bad field. Off by
   * default (it costs a zod parse per line); the engine's tests turn it on so a malformed event fails the
   * test that produced it instead of the checker much later.
   */
  readonly validate?: boolean;
  /**
   * Called once, the first time the sink throws. A failing destination never fails a request (SPEC §8);
   * the default prints one line to stderr.
   */
  readonly onSinkError?: (error: unknown) => void;
}

const COMMON_KEYS = ["v", "seq", "ts", "event", "request_id", "agent"] as const;

/** Each event's own fields in schema order, so every line of a kind has the same key order. */
const FIELD_ORDER: ReadonlyMap<string, readonly string[]> = new Map(
  AuditEventSchema.options.map((schema) => [
    schema.shape.event.value,
    Object.keys(schema.shape).filter((key) => !(COMMON_KEYS as readonly string[]).includes(key)),
  ]),
);

/**
 * The `,"request_id":…,"agent":…` members of one request's lines, serialised once per request so each of its
 * lines costs one `JSON.stringify` (of the event's own fields) and no intermediate objects. Stringified as an
 * object so a member that is `undefined` (a hand-wired JavaScript caller) is left out exactly as `write` does.
 */
export function requestMembers(requestId: string, agent: string): string {
  // The usual case, without the object: two strings serialise exactly as the object's members would.
  if (typeof requestId === "string" && typeof agent === "string")
    return `,"request_id":${JSON.stringify(requestId)},"agent":${JSON.stringify(agent)}`;
  const members = JSON.stringify({ request_id: requestId, agent }).slice(1, -1);
  return members === "" ? "" : `,${members}`;
}

function reportSinkError(error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`Failed to write the audit log: ${reason}. Requests keep being served; fix the audit sink.`);
}

/**
 * Stamps and writes audit lines (SPEC §8): `v: 1`, a per-writer `seq` (1, 2, 3 … without gaps), and a
 * `ts` from the clock that never goes backwards, then serialises with a stable key order — `v, seq, ts,
 * event, request_id, agent`, the event's fields in schema order, then any `x_` extensions — and hands the
 * line to the sink in one append. The same events on the same clock therefore give the same bytes.
 */
export class AuditWriter {
  readonly #sink: AuditSink;
  readonly #clock: Clock;
  readonly #validate: boolean;
  readonly #onSinkError: (error: unknown) => void;
  #seq = 0;
  #lastMs = Number.NEGATIVE_INFINITY;
  #sinkFailed = false;
  #tsMs = Number.NaN;
  #ts = "";

  constructor(sink: AuditSink, clock: Clock, options: AuditWriterOptions = {}) {
    this.#sink = sink;
    this.#clock = clock;
    this.#validate = options.validate ?? false;
    this.#onSinkError = options.onSinkError ?? reportSinkError;
  }

  /** The `seq` of the last line written; 0 before the first. */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Writes one event and returns it as stamped. Throws only when validation is on and the event breaks the
   * schema (a bug in the caller); a sink that throws is reported once and otherwise ignored.
   */
  write(body: AuditEventBody): AuditEvent {
    // The clock may step back (NTP, a test's clock); the log's ts must not (SPEC §8).
    const ms = Math.max(this.#lastMs, this.#clock.now());
    const stamped = ordered(body, this.#seq + 1, new Date(ms).toISOString());
    if (this.#validate) check(stamped);
    this.#seq += 1;
    this.#lastMs = ms;
    this.#append(`${JSON.stringify(stamped)}\n`);
    return stamped as unknown as AuditEvent;
  }

  /**
   * The engine's hot path, the same bytes as {@link write}: `members` comes from {@link requestMembers} and
   * `fields` holds the event's own fields in schema order (the engine builds them as literals), so the line
   * is the stamp, the members and one `JSON.stringify(fields)` glued together. Validation, when on, also
   * checks the key order, since nothing here reorders.
   */
  writeEvent(event: AuditEventName, members: string, fields: object, now?: number): void {
    const own = JSON.stringify(fields);
    this.writeTail(event, members, own.length > 2 ? `,${own.slice(1)}` : "}", now);
  }

  /**
   * {@link writeEvent} with the event's own fields already serialised: `tail` is what follows the members,
   * `,"field":value,…}` or just `}` (see `fragments.ts`, which builds the success path's tails from
   * pre-serialised pieces without an object or a `JSON.stringify` per line). `now`, when given, is the
   * clock's time as the caller just read it in the same synchronous step (a clock read is a system call on
   * some machines, and the engine reads the clock once per step for all it does in that step).
   */
  writeTail(event: AuditEventName, members: string, tail: string, now: number = this.#clock.now()): void {
    const ms = Math.max(this.#lastMs, now);
    // Consecutive lines mostly share a millisecond: format the ts once for all of them.
    if (ms !== this.#tsMs) {
      this.#tsMs = ms;
      this.#ts = new Date(ms).toISOString();
    }
    const seq = this.#seq + 1;
    const line = `{"v":1,"seq":${seq},"ts":"${this.#ts}","event":"${event}"${members}${tail}\n`;
    if (this.#validate) checkLine(line);
    this.#seq = seq;
    this.#lastMs = ms;
    this.#append(line);
  }

  #append(line: string): void {
    try {
      this.#sink.append(line);
    } catch (error) {
      if (!this.#sinkFailed) {
        this.#sinkFailed = true;
        this.#onSinkError(error);
      }
    }
  }
}

/** Builds the line object with keys in the stable order; JSON.stringify keeps insertion order. */
function ordered(body: AuditEventBody, seq: number, ts: string): Record<string, unknown> {
  const source = body as unknown as Record<string, unknown>;
  const row: Record<string, unknown> = {
    v: 1,
    seq,
    ts,
    event: source.event,
    request_id: source.request_id,
    agent: source.agent,
  };
  for (const key of FIELD_ORDER.get(String(source.event)) ?? []) {
    if (key in source) row[key] = source[key];
  }
  // Whatever is left (x_ extensions, or a stray field validation will name) keeps the caller's order.
  for (const [key, value] of Object.entries(source)) {
    if (!(key in row)) row[key] = value;
  }
  return row;
}

function check(row: Record<string, unknown>): void {
  const result = AuditEventSchema.safeParse(row);
  if (result.success) return;
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? "(line)" : issue.path.map(String).join(".");
  const value =
    issue?.path.length === 1 ? ` (got ${JSON.stringify(row[String(issue.path[0])]) ?? "undefined"})` : "";
  throw new TypeError(
    `Failed to write the audit line: field "${field}" of ${JSON.stringify(row.event) ?? "an event without a name"} is invalid: ${issue?.message ?? "unknown issue"}${value}. ` +
      "Fix the event the engine builds (SPEC §8: every field present, null when it does not apply).",
  );
}

/** {@link check} for a line built by `writeEvent`, plus the stable key order `ordered` would have given. */
function checkLine(line: string): void {
  const row = JSON.parse(line) as Record<string, unknown>;
  check(row);
  const keys = Object.keys(row);
  const expected = Object.keys(ordered(row, 0, ""));
  if (keys.join() !== expected.join()) {
    throw new TypeError(
      `Failed to write the audit line: the fields of ${JSON.stringify(row.event)} are in the order ${keys.join(", ")}, not ${expected.join(", ")}. ` +
        "Build the event's fields in schema order (src/audit/events.ts).",
    );
  }
}
