import type { Reason } from "../../src/index.ts";
import type { FaultKind } from "./faults.ts";
import type { RetryAfterSent } from "./injection.ts";
import type { FleetProvider, WireApi } from "./providers/types.ts";

/**
 * How a request ended on the provider side:
 * - `pending`: the answer is still being written;
 * - `ok`: a success body sent in full; `content_filter`: the provider's content filter answered;
 * - `error`: an HTTP error, a 200 carrying an error body, or an in-band stream error frame;
 * - `network_error`: no HTTP answer at all (refused, reset, empty, garbage);
 * - `cut`: the connection died mid-body; `incomplete`: the body ended cleanly without its end marker;
 * - `malformed`: the body carried an unparseable frame or truncated JSON;
 * - `aborted`: the client went away before the body was complete.
 */
export type FleetOutcome =
  | "pending"
  | "ok"
  | "error"
  | "content_filter"
  | "network_error"
  | "cut"
  | "incomplete"
  | "malformed"
  | "aborted";

/**
 * One request as the fleet saw it: the provider-side log that the oracle checks the engine's audit against
 * (SPEC §8, §9 DECISION_118). Entries appear in arrival order and are live: `status`, `bytes`, `completed`,
 * `outcome` and `ended_at` update until the answer settles.
 */
export interface FleetLogEntry {
  /** The fleet's id for the request; also sent as the provider's request-id header and `x-fleet-request-id`. */
  readonly id: string;
  /** 1, 2, 3 … in arrival order. */
  readonly seq: number;
  /** Arrival time on the fleet clock (epoch milliseconds). */
  readonly at: number;
  readonly provider: FleetProvider;
  /** Full model id (`openai/gpt-4o`), or `provider/` when the request named none. */
  readonly model: string;
  /** The request's HTTP method. */
  readonly method: string;
  /**
   * The path under the provider's base (`/v1/chat/completions`), or the URL's whole path when it names no
   * provider; never the query string, where Gemini's key travels.
   */
  readonly path: string;
  /** The API the path reached, or null for a path the provider does not serve (nothing was injected). */
  readonly api: WireApi | null;
  readonly stream: boolean;
  /** Labels of the faults applied, joined with `+` (`latency+http_error`), or null. */
  readonly fault: string | null;
  /** HTTP status sent, or null when no status line was sent. */
  readonly status: number | null;
  /** Body bytes handed to the client. */
  readonly bytes: number;
  /** True when the body was sent to its end (cleanly closed). */
  readonly completed: boolean;
  readonly outcome: FleetOutcome;
  /** Delay before the status line (latency faults, slow first byte), milliseconds. */
  readonly latency_ms: number;
  /** When the answer settled on the fleet clock, or null while pending. */
  readonly ended_at: number | null;
  /**
   * Ground truth (SPEC §10.2), fixed when the request is routed: the kind of the fault that decided the
   * answer (null: none did — a plain answer, or the provider's own key/model check).
   */
  readonly fault_kind: FaultKind | null;
  /**
   * The SPEC §3 reason the answer carries (a scheduled fault, or the provider's own 401/404), or null for
   * a success and for anything without one definite reason. Compare with `status` and `outcome` for what
   * was actually sent.
   */
  readonly reason: Reason | null;
  /** Every form of Retry-After the answer carried, as sent. */
  readonly retry_after: RetryAfterSent;
  /**
   * The scenario request this call serves, read back from the marker the harness put in the prompt
   * (`request-marker.ts`), or null when the body carries none (or markers of two requests).
   */
  readonly request: number | null;
  /**
   * The model's whole answer text this reply was written from, when the reply writes any of it (a success;
   * a cut, unterminated or filtered one writes part: see `outcome`), else null (errors, network faults).
   */
  readonly answer: string | null;
}

/** The writable twin of {@link FleetLogEntry}, for the fleet's own bookkeeping. */
export type MutableLogEntry = { -readonly [K in keyof FleetLogEntry]: FleetLogEntry[K] };
