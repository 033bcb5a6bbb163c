import { read } from "./safe-read.ts";

/**
 * Failures after HTTP 200 that the engine detects itself (SPEC §3, §6): the provider sent a good status, then
 * the stream went wrong in a way no SDK reports as an error.
 */
export type StreamFailureReason =
  "stream_cut" | "stream_stall" | "ttft_timeout" | "malformed_stream" | "stream_incomplete";

/** Every stream failure reason, for validation and tests. */
export const STREAM_FAILURE_REASONS = [
  "stream_cut",
  "stream_stall",
  "ttft_timeout",
  "malformed_stream",
  "stream_incomplete",
] as const satisfies readonly StreamFailureReason[];

const DEFAULT_MESSAGES: Record<StreamFailureReason, string> = {
  stream_cut: "The stream was cut after the response started.",
  stream_stall: "The stream sent no bytes for longer than the stall timeout.",
  ttft_timeout: "No first token arrived before the time-to-first-token timeout.",
  malformed_stream: "The stream carried a frame that could not be parsed.",
  stream_incomplete: "The stream ended without the provider's end marker.",
};

/**
 * Raised by the engine for a stream failure it detected after HTTP 200. `classify` maps it to
 * NetworkTransient with the same reason.
 */
export class StreamFailureError extends Error {
  override readonly name = "StreamFailureError";
  /** Which of the post-200 failures this was. */
  readonly reason: StreamFailureReason;

  constructor(reason: StreamFailureReason, message?: string, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[reason], options);
    this.reason = reason;
  }
}

/** True for a stream failure reason string. */
export function isStreamFailureReason(value: unknown): value is StreamFailureReason {
  return typeof value === "string" && (STREAM_FAILURE_REASONS as readonly string[]).includes(value);
}

/**
 * True for a `StreamFailureError`, checked by name and reason rather than `instanceof` so copies from another
 * realm or bundle (and the harness's duck-typed fixtures) are recognised too.
 */
export function isStreamFailureError(e: unknown): e is StreamFailureError {
  return read(e, "name") === "StreamFailureError" && isStreamFailureReason(read(e, "reason"));
}
