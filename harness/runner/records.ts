/** What the caller saw of one request. */
export interface RequestRecord {
  readonly index: number;
  readonly label: string | undefined;
  readonly agent: string;
  /** Milliseconds after the scenario's start. */
  readonly sentAt: number;
  readonly endedAt: number;
  /** `hang`: the harness gave up at the request's deadline plus grace — never the engine's clean error. */
  readonly outcome: "success" | "error" | "hang";
  readonly model: string | null;
  readonly text: string | null;
  readonly attempts: number | null;
  readonly error: { readonly name: string; readonly message: string } | null;
  /** Text deltas after the last reset, joined: what a streaming caller ends up showing. */
  readonly shown: string | null;
  readonly cancelled: boolean;
  /**
   * When the caller aborted the request (its `cancel_after`, or the harness giving up on a hang), ms after
   * the scenario's start; null or absent when it never did. The request ended for its caller then.
   */
  readonly abortedAt?: number | null;
}

/** One provider call as the fleet logged it, in the minimal shape expectations need. */
export interface FleetCall {
  /** The fleet's id for the request. */
  readonly id: string;
  /** Fleet clock, epoch ms. */
  readonly at: number;
  readonly provider: string;
  /** `provider/model`. */
  readonly model: string;
  // Ground truth (SPEC §10.2), plain data so it crosses a worker boundary by structured clone.
  /** The request's HTTP method and its path under the provider (no query string). */
  readonly method?: string;
  readonly path?: string;
  /** The provider API the path reached, or null when it reached none (no fault could be injected). */
  readonly api?: string | null;
  /** HTTP status sent, or null when no status line was sent. */
  readonly status?: number | null;
  /** How the answer ended (`ok`, `error`, `network_error`, `aborted`, …; see FleetOutcome). */
  readonly outcome?: string;
  /** The kind of the fault that decided the answer, or null. */
  readonly fault_kind?: string | null;
  /** The SPEC §3 reason the fleet's answer carried, or null (a success, or no single reason). */
  readonly reason?: string | null;
  /** Every form of Retry-After sent, as sent (each null when absent). */
  readonly retry_after?: {
    readonly ms_header: string | null;
    readonly header: string | null;
    readonly retry_info: string | null;
    readonly text: string | null;
  };
  /** When the answer settled on the fleet clock (epoch ms), or null if it never did. */
  readonly ended_at?: number | null;
  /**
   * The scenario request (its index) this call serves, read from the marker in the prompt; null or absent
   * when the body carried none: then request-level fleet checks are not made, never guessed.
   */
  readonly request?: number | null;
  /**
   * The model's whole answer text this reply was written from, when it wrote any of it (whole when
   * `outcome` is `ok`), else null or absent.
   */
  readonly answer?: string | null;
}

/** An audit line, loosely parsed: the checker judges its schema; expectations only read fields. */
export type AuditRecord = Readonly<Record<string, unknown>> & {
  readonly event?: unknown;
  readonly ts?: unknown;
};

/** A broken expectation. */
export interface ExpectationFailure {
  /** Where in the scenario file: `expect.requests[0].served_by`. */
  readonly expectation: string;
  readonly message: string;
}
