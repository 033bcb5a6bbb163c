import type { FleetProvider, ProviderError, WireApi } from "../providers/types.ts";

/** How a successful answer ends: normally, on the provider's content filter, or with the prompt refused. */
export type Finish = "stop" | "content_filter" | "blocked_prompt";

/** Everything a wire format needs to write one answer. */
export interface ReplyContext {
  readonly provider: FleetProvider;
  readonly api: WireApi;
  /** The model part of the id, as the client sent it. */
  readonly model: string;
  /** The fleet's id for the request; also the provider's request-id header and the body ids. */
  readonly requestId: string;
  /** Fleet clock, epoch milliseconds. */
  readonly nowMs: number;
  /** The answer's text, cut into the tokens a stream sends one per frame. */
  readonly tokens: readonly string[];
  /** A deterministic estimate of the prompt's tokens. */
  readonly promptTokens: number;
}

/**
 * A stream transcript in three parts, so faults can cut, stall or corrupt it at a token boundary:
 * `head` (frames before the first text), `tokens` (one frame per text token), `tail` (finish, usage and the
 * end marker). Each string is one whole frame, terminator included.
 */
export interface StreamScript {
  readonly head: readonly string[];
  readonly tokens: readonly string[];
  readonly tail: readonly string[];
}

/** One wire protocol: success bodies, stream transcripts, in-band error frames and a corrupt frame. */
export interface WireFormat {
  /** The JSON body of a non-streaming success. */
  success(ctx: ReplyContext, finish: Finish): unknown;
  /** The frames of a streaming success. */
  stream(ctx: ReplyContext, finish: Finish): StreamScript;
  /** The frames a provider sends for an error after HTTP 200; `afterOutput` when text was already sent. */
  errorFrames(ctx: ReplyContext, error: ProviderError, afterOutput: boolean): readonly string[];
  /** A frame whose JSON is cut short. */
  malformed(ctx: ReplyContext): string;
}

/** The answer's text. */
export function textOf(ctx: ReplyContext): string {
  return ctx.tokens.join("");
}

/** Seconds since the epoch, as `created` fields carry it. */
export function epochSeconds(ctx: ReplyContext): number {
  return Math.floor(ctx.nowMs / 1000);
}
