import type { FaultInput, HttpReason } from "../fleet/faults.ts";
import { HTTP_REASONS } from "../fleet/faults.ts";

/**
 * What the fleet must do to one provider call so that an engine sees what the audit says it saw. The
 * audit records a class and a reason, not the bytes, so this picks the plainest fault that produces them.
 */
export type CallFault =
  /** The call succeeded: nothing to inject (or `healthy` where a tie must be pinned). */
  | { readonly kind: "ok" }
  /** Inject this fault. `watchdog`: the engine's own timer ended the call, so its latency is not replayed. */
  | { readonly kind: "fault"; readonly fault: FaultInput; readonly watchdog: boolean }
  /** Nothing on the wire produces this reason (`tls`, `dns`, `unknown`): the replay notes it and lets the call succeed. */
  | { readonly kind: "unreproducible"; readonly reason: string };

/** What the log tells about a failure's place in the stream. */
export type MidStream = "yes" | "no" | "unknown";

/** Body chunks that surely include a text token on every provider's wire (their opening frames come first). */
const PAST_FIRST_TOKEN = 6;

/** The facts of one failure line that decide the fault. */
export interface FailureFacts {
  readonly reason: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  /**
   * Whether the failure came after the first streamed token. The log says so only under `mid_stream: fail`
   * (a retryable class ended with `fail`: yes; with its own action: no); otherwise it is `unknown`.
   */
  readonly midStream: MidStream;
}

const HTTP_REASON_SET: ReadonlySet<string> = new Set(HTTP_REASONS);

function isHttpReason(reason: string): reason is HttpReason {
  return HTTP_REASON_SET.has(reason);
}

/** A call that never answers: the engine's watchdog, deadline or the caller's abort ends it. */
const HANG: FaultInput = { kind: "stall" };

/** The fault that makes a provider call fail the way `facts` says. */
export function faultForFailure(facts: FailureFacts): CallFault {
  const { reason, status } = facts;
  const mid = facts.midStream;
  switch (reason) {
    case "connection":
      return { kind: "fault", fault: { kind: "reset_before_bytes" }, watchdog: false };
    case "stream_cut":
      return {
        kind: "fault",
        fault: { kind: "stream_cut", after_chunks: mid === "yes" ? PAST_FIRST_TOKEN : 1 },
        watchdog: false,
      };
    case "stream_stall":
      return { kind: "fault", fault: { kind: "stall", after_tokens: 1 }, watchdog: true };
    case "ttft_timeout":
      return { kind: "fault", fault: HANG, watchdog: true };
    case "malformed_stream":
      return {
        kind: "fault",
        fault: { kind: "malformed_chunk", at_chunk: mid === "yes" ? PAST_FIRST_TOKEN : 1 },
        watchdog: false,
      };
    case "stream_incomplete":
      return { kind: "fault", fault: { kind: "no_end_marker" }, watchdog: false };
    case "aborted":
      // The caller's cancel ends it; the traffic line carries `cancel_after`.
      return { kind: "fault", fault: HANG, watchdog: true };
    case "timeout":
      // No status: the engine's deadline cut a call that had not answered.
      if (status === null) return { kind: "fault", fault: HANG, watchdog: true };
      break;
    case "content_filter":
      if (status === null || status === 200)
        return {
          kind: "fault",
          fault: { kind: "content_filter", mode: "output", after_tokens: mid === "yes" ? 1 : 0 },
          watchdog: false,
        };
      break;
    default:
      break;
  }
  if (!isHttpReason(reason)) return { kind: "unreproducible", reason };
  if (status === 200) {
    if (reason === "proxy") return { kind: "unreproducible", reason };
    return { kind: "fault", fault: { kind: "error_in_200", reason }, watchdog: false };
  }
  if (status === null) {
    // An in-band error frame: the class of its HTTP twin, no status line of its own. A frame after a token
    // is the common case (before any token some SDKs surface the error as an HTTP status).
    if (reason === "proxy") return { kind: "fault", fault: { kind: "http_error", reason }, watchdog: false };
    return {
      kind: "fault",
      fault: { kind: "stream_error", reason, after_tokens: mid === "no" ? 0 : 1 },
      watchdog: false,
    };
  }
  const fault: FaultInput = {
    kind: "http_error",
    reason,
    ...(status >= 400 && status <= 599 ? { status } : {}),
    ...(facts.retryAfterMs === null ? {} : { retry_after_ms: facts.retryAfterMs }),
  };
  return { kind: "fault", fault, watchdog: false };
}
