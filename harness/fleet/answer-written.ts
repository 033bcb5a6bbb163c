import type { Fault } from "./faults.ts";

/**
 * Whether the reply a deciding fault shapes may write some of the model's answer text (see `planReply`):
 * a success writes it whole; a stream cut, a malformed or unterminated body, a stream error after some
 * tokens and an output filter after some tokens write part of it; errors, network faults and prompt
 * refusals write none. The fleet records the answer only when some of it went out, so a judge never compares a
 * returned text with an answer the engine could not have seen.
 */
export function writesAnswer(
  fault: Fault | null,
  stream: boolean,
  defaultFilterMode: "output" | "prompt",
): boolean {
  if (fault === null) return true;
  switch (fault.kind) {
    case "healthy":
    case "latency":
    case "stall":
    case "slow_ttft":
    case "dribble":
    case "split_frames":
    case "stream_cut":
    case "malformed_chunk":
    case "no_end_marker":
      return true;
    case "stream_error":
      // Without a stream it is the plain HTTP error; in one, it strikes after `after_tokens` tokens.
      return stream && fault.after_tokens > 0;
    case "content_filter":
      return (fault.mode ?? defaultFilterMode) === "output" && fault.after_tokens > 0;
    case "http_error":
    case "error_in_200":
    case "html_gateway":
    case "token_bucket":
    case "auth_revoked":
    case "connection_refused":
    case "reset_before_bytes":
    case "empty_response":
    case "garbage_then_close":
      return false;
    default: {
      const unreachable: never = fault;
      throw new TypeError(
        `Failed to tell whether a reply writes its answer: unknown fault ${JSON.stringify(unreachable)}. Use a kind from FAULT_KINDS.`,
      );
    }
  }
}
