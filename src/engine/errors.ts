import type { Classification } from "../classify/taxonomy.ts";

/** Why a request ended without a response, beyond a class reason. */
export type ExhaustedReason = Classification["reason"] | "deadline" | "all_open";

/**
 * Thrown by `Engine.run` when every model of the chain failed, the deadline passed, or every circuit was
 * open. `cause` is the last provider error, untouched.
 */
export class FallbackExhaustedError extends Error {
  override readonly name = "FallbackExhaustedError";
  readonly reason: ExhaustedReason;
  readonly attempts: number;
  readonly classification: Classification | null;

  constructor(input: {
    readonly reason: ExhaustedReason;
    readonly attempts: number;
    readonly classification: Classification | null;
    readonly chain: readonly string[];
    readonly cause?: unknown;
  }) {
    const last = input.classification
      ? ` The last failure was ${input.classification.type}/${input.classification.reason}: ${input.classification.message}`
      : "";
    super(
      `Failed to get a response from ${input.chain.join(", ")}: ${describe(input.reason)} after ${input.attempts} attempt(s).${last} See the audit log for each attempt.`,
      { cause: input.cause },
    );
    this.reason = input.reason;
    this.attempts = input.attempts;
    this.classification = input.classification;
  }
}

function describe(reason: ExhaustedReason): string {
  if (reason === "deadline") return "the request's deadline (fallback.deadline_ms) passed";
  if (reason === "all_open") return "every model's circuit is open (fallback.on_all_open is fail_fast)";
  return `the chain is exhausted (${reason})`;
}

/** Thrown by `Engine.run` when the request names no usable model. */
export class FallbackConfigError extends Error {
  override readonly name = "FallbackConfigError";
}

/** True for a FallbackExhaustedError, also across module copies. */
export function isFallbackExhaustedError(error: unknown): error is FallbackExhaustedError {
  return error instanceof Error && error.name === "FallbackExhaustedError" && "reason" in error;
}
