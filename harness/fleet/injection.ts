import type { Reason } from "../../src/index.ts";
import type { BodyStep } from "./body-stream.ts";
import type { Fault } from "./faults.ts";
import type { Reply } from "./plan.ts";

/**
 * Every form of Retry-After one answer carried, exactly as sent (null: that form was absent). This is the
 * ground truth a judge reads the engine's audited `retry_after_ms` against (SPEC §3 order, §10.2).
 */
export interface RetryAfterSent {
  /** The `retry-after-ms` header. */
  readonly ms_header: string | null;
  /** The `retry-after` header: seconds, or an HTTP date. */
  readonly header: string | null;
  /** Gemini's `google.rpc.RetryInfo.retryDelay` in the error body (`"34.4s"`). */
  readonly retry_info: string | null;
  /** The delay phrase in the body's message (`try again in 644ms`, `retry after 7 seconds`). */
  readonly text: string | null;
}

/** An answer with no Retry-After in any form. */
export const NO_RETRY_AFTER: RetryAfterSent = { ms_header: null, header: null, retry_info: null, text: null };

/**
 * The SPEC §3 reason the fleet's answer carries for a deciding fault (null: a success, or a fault that
 * does not decide one reason by itself). Shapers (latency, stall, slow_ttft, dribble) inject no error: an
 * engine that times out on them classifies its own failure (`ttft_timeout`, `stream_stall`).
 *
 * A stream-only fault on a non-streaming request (`stream: false`) is a JSON body cut short (see `planReply`):
 * `no_end_marker` and `malformed_chunk` send truncated JSON, an unparseable answer (`malformed_stream`), not
 * a stream missing its end marker; `stream_cut` still dies mid-body (`stream_cut`).
 */
export function injectedReason(fault: Fault | null, stream = true): Reason | null {
  if (fault === null) return null;
  if (!stream && (fault.kind === "no_end_marker" || fault.kind === "malformed_chunk"))
    return "malformed_stream";
  switch (fault.kind) {
    case "http_error":
    case "error_in_200":
    case "stream_error":
      return fault.reason;
    case "html_gateway":
      return fault.status === 502 ? "bad_gateway" : fault.status === 503 ? "unavailable" : "timeout";
    case "token_bucket":
      // The schedule makes a bucket the deciding fault only when it is empty: a 429.
      return "rate_limit";
    case "auth_revoked":
      return "auth";
    case "content_filter":
      return "content_filter";
    case "stream_cut":
      return "stream_cut";
    case "malformed_chunk":
      return "malformed_stream";
    case "no_end_marker":
      return "stream_incomplete";
    case "connection_refused":
    case "reset_before_bytes":
    case "empty_response":
    case "garbage_then_close":
      return "connection";
    case "healthy":
    case "latency":
    case "stall":
    case "slow_ttft":
    case "dribble":
    case "split_frames":
      return null;
    default: {
      const unreachable: never = fault;
      throw new TypeError(
        `Failed to name an injected reason: unknown fault ${JSON.stringify(unreachable)}. Use a kind from FAULT_KINDS.`,
      );
    }
  }
}

/**
 * "try again in 644ms", "Please try again in 18.403s", "retry after 7 seconds": the delay phrases the
 * providers (and scenario bodies) put in a message. Only the first is recorded, as a reader would take it.
 */
const DELAY_PHRASE =
  /\b(?:try again|retry) (?:in|after) \d+(?:\.\d+)?\s?(?:ms|milliseconds?|s|sec|seconds?)\b/i;

/** Reads the Retry-After forms off a reply the fleet is about to send: its headers and its error body. */
export function retryAfterSent(reply: Reply): RetryAfterSent {
  if (reply.kind !== "http") return NO_RETRY_AFTER;
  const header = (name: string): string | null => {
    for (const [key, value] of Object.entries(reply.headers)) if (key.toLowerCase() === name) return value;
    return null;
  };
  // A success body is the model's prose; only an error answer states a wait.
  const body = reply.outcome === "error" ? bodyText(reply.steps) : "";
  return {
    ms_header: header("retry-after-ms"),
    header: header("retry-after"),
    retry_info: retryInfoOf(body),
    text: DELAY_PHRASE.exec(body)?.[0] ?? null,
  };
}

function bodyText(steps: readonly BodyStep[]): string {
  const parts: Buffer[] = [];
  for (const step of steps) {
    if (step.type === "chunk")
      parts.push(typeof step.data === "string" ? Buffer.from(step.data, "utf8") : Buffer.from(step.data));
  }
  return Buffer.concat(parts).toString("utf8");
}

/** Gemini's RetryInfo in `error.details[]`, as the fleet itself wrote it. */
function retryInfoOf(body: string): string | null {
  if (!body.includes("RetryInfo")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const error = isRecord(parsed) ? parsed["error"] : undefined;
  const details = isRecord(error) ? error["details"] : undefined;
  if (!Array.isArray(details)) return null;
  for (const detail of details) {
    if (!isRecord(detail)) continue;
    const type = detail["@type"];
    const delay = detail["retryDelay"];
    if (typeof type === "string" && type.endsWith("RetryInfo") && typeof delay === "string") return delay;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
