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
}

/** An audit line, loosely parsed: the checker judges its schema; expectations only read fields. */
export type AuditRecord = Readonly<Record<string, unknown>> & { readonly event?: unknown; readonly ts?: unknown };

/** A broken expectation. */
export interface ExpectationFailure {
  /** Where in the scenario file: `expect.requests[0].served_by`. */
  readonly expectation: string;
  readonly message: string;
}
