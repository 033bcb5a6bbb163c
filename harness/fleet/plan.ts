import type { Random } from "../../src/index.ts";
import { addPause, bodyOf, resplit, spreadBody, toSteps, type Body, type Terminal } from "./body-plan.ts";
import type { BodyStep } from "./body-stream.ts";
import type { Fault } from "./faults.ts";
import { cloudflarePage } from "./providers/html-pages.ts";
import type { ProviderProfile } from "./providers/catalog.ts";
import type { WireResponse } from "./providers/types.ts";
import { statusText } from "./providers/types.ts";
import { bucketResponse, errorParams, httpErrorParams } from "./retry-after.ts";
import type { Selection } from "./schedule.ts";
import type { Finish, ReplyContext, WireFormat } from "./wire/types.ts";

/** Connection-level failures: no HTTP response at all. */
export type NetworkAction = "refuse" | "reset" | "empty" | "garbage";

/** What the log says of an answer whose body reached its end. */
export type EndOutcome = "ok" | "error" | "content_filter" | "incomplete" | "malformed";

/** The fleet's answer to one request, as data; the transports turn it into bytes. */
export type Reply =
  | {
      readonly kind: "network";
      readonly action: NetworkAction;
      readonly delayMs: number;
      readonly garbageBytes: number;
    }
  | {
      readonly kind: "http";
      readonly status: number;
      readonly statusText: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly steps: readonly BodyStep[];
      /** Time before the status line (latency, a non-streaming slow_ttft, a stall before any byte). */
      readonly delayMs: number;
      /**
       * True when the status line never goes out: a stall with no `duration` before any byte holds the
       * request after `delayMs` until the client gives up.
       */
      readonly hangBeforeHead: boolean;
      readonly outcome: EndOutcome;
    };

/** Everything {@link planReply} needs. */
export interface PlanInput {
  readonly profile: ProviderProfile;
  readonly wire: WireFormat;
  readonly ctx: ReplyContext;
  readonly stream: boolean;
  readonly selection: Selection;
  /** The provider/model's shaping stream (latency draws, split points). */
  readonly random: Random;
}

/**
 * Turns a request's context and the schedule's selection into a reply: the deciding fault (or success)
 * gives the status, headers and frames; the shapers then add latency, pauses and re-cut frames.
 *
 * A stream-only fault on a non-streaming request does the nearest thing a JSON answer can: `stream_error`
 * becomes the HTTP error (the provider had not started), `stream_cut` sends half the body then dies,
 * `malformed_chunk` and `no_end_marker` send half the body and close cleanly (truncated JSON).
 */
export function planReply(input: PlanInput): Reply {
  const base = decide(input);
  if (base.kind === "network") return { ...base, delayMs: latencyOf(input) };
  const { body } = base;
  let dribbleMs = 0;
  let splitMax = 0;
  let stallMs = 0;
  let hangBeforeHead = false;
  for (const { fault } of input.selection.shapers) {
    switch (fault.kind) {
      case "stall":
        // Before any byte (after_tokens 0), a stall withholds the status line and headers too: a wedged
        // upstream that accepted the connection and never answers, which is what a header timeout (undici's
        // headersTimeout, a TTFT limit) exists for. After N tokens it is a pause in the body.
        if (fault.after_tokens === 0) {
          if (fault.duration === undefined) hangBeforeHead = true;
          else stallMs += fault.duration;
        } else
          addPause(
            body,
            body.tokenAt(fault.after_tokens),
            fault.duration === undefined ? { type: "hang" } : { type: "sleep", ms: fault.duration },
          );
        break;
      case "slow_ttft":
        if (input.stream) addPause(body, body.firstToken, { type: "sleep", ms: fault.delay });
        break;
      case "dribble":
        dribbleMs += fault.interval;
        break;
      case "split_frames":
        splitMax = splitMax === 0 ? fault.max_piece_bytes : Math.min(splitMax, fault.max_piece_bytes);
        break;
      case "latency":
        // Drawn once for the whole reply, below.
        break;
      case "healthy":
      case "http_error":
      case "error_in_200":
      case "html_gateway":
      case "stream_error":
      case "stream_cut":
      case "malformed_chunk":
      case "no_end_marker":
      case "connection_refused":
      case "reset_before_bytes":
      case "empty_response":
      case "garbage_then_close":
      case "content_filter":
      case "token_bucket":
      case "auth_revoked":
        // Deciding faults never arrive as shapers (the schedule keeps them apart).
        break;
      default: {
        const unreachable: never = fault;
        throw new TypeError(
          `Failed to shape a reply: unknown fault ${JSON.stringify(unreachable)}. Use a kind from FAULT_KINDS.`,
        );
      }
    }
  }
  if (dribbleMs > 0 && !input.stream) spreadBody(body, 8);
  let steps = toSteps(body, dribbleMs, body.terminal === "end" && base.head.outcome !== "malformed");
  if (splitMax > 0) steps = resplit(steps, splitMax, input.random);
  const ttft = input.stream
    ? 0
    : input.selection.shapers.reduce(
        (sum, { fault }) => sum + (fault.kind === "slow_ttft" ? fault.delay : 0),
        0,
      );
  // Spelled out, not spread from `base.head`: a spread at this (megamorphic) site gave every reply a hidden
  // class of its own (~300 bytes), held while the reply waits out its latency (issue 15 item 5).
  const { head } = base;
  return {
    status: head.status,
    statusText: head.statusText,
    headers: head.headers,
    outcome: head.outcome,
    kind: "http",
    steps,
    delayMs: latencyOf(input) + ttft + stallMs,
    hangBeforeHead,
  };
}

interface HttpBase {
  readonly kind: "http";
  readonly head: { status: number; statusText: string; headers: Record<string, string>; outcome: EndOutcome };
  readonly body: Body;
}

type NetworkBase = {
  readonly kind: "network";
  readonly action: NetworkAction;
  readonly garbageBytes: number;
};

function decide(input: PlanInput): HttpBase | NetworkBase {
  const { ctx, profile, stream } = input;
  const primary = input.selection.primary;
  if (primary === null) return success(input, "stop", ctx.tokens.length);
  const fault: Fault = primary.fault;
  const params = errorParams(ctx);
  switch (fault.kind) {
    case "http_error":
      return errorBase(
        input,
        profile.errorResponse(fault.reason, httpErrorParams(fault, ctx)),
        fault.reason === "content_filter" ? "content_filter" : "error",
      );
    case "token_bucket":
      return errorBase(
        input,
        bucketResponse(profile, ctx, primary.bucket ?? { limit: fault.limit, retryAfterMs: fault.per }),
        "error",
      );
    case "auth_revoked":
      return errorBase(input, profile.errorResponse("auth", params), "error");
    case "error_in_200": {
      const error = profile.errorObject(fault.reason, params);
      const envelope =
        profile.name === "anthropic"
          ? { type: "error", error: error.error, request_id: ctx.requestId }
          : { error: error.error };
      return errorBase(
        input,
        {
          status: 200,
          statusText: "OK",
          headers: { ...profile.headers(ctx.requestId), "content-type": "application/json" },
          body: JSON.stringify(envelope),
        },
        "error",
      );
    }
    case "html_gateway": {
      const page = cloudflarePage(fault.status, ctx);
      return errorBase(input, page, "error");
    }
    case "stream_error": {
      if (!stream) return errorBase(input, profile.errorResponse(fault.reason, params), "error");
      const tokens = Math.min(fault.after_tokens, ctx.tokens.length);
      const script = input.wire.stream(ctx, "stop");
      const error = profile.errorObject(fault.reason, params);
      const frames = tokens === 0 ? [] : [...script.head, ...script.tokens.slice(0, tokens)];
      return streamBase(
        input,
        frames,
        tokens === 0 ? 0 : script.head.length,
        [...input.wire.errorFrames(ctx, error, tokens > 0)],
        "end",
        "error",
      );
    }
    case "stream_cut": {
      if (!stream) return halfBody(input, "cut", "ok");
      const script = input.wire.stream(ctx, "stop");
      const all = [...script.head, ...script.tokens, ...script.tail];
      return streamBase(input, all.slice(0, fault.after_chunks), script.head.length, [], "cut", "ok");
    }
    case "malformed_chunk": {
      if (!stream) return halfBody(input, "end", "malformed");
      const script = input.wire.stream(ctx, "stop");
      const all = [...script.head, ...script.tokens, ...script.tail];
      const at = Math.min(fault.at_chunk, all.length);
      all.splice(at, 0, input.wire.malformed(ctx));
      return streamBase(input, all, script.head.length, [], "end", "malformed");
    }
    case "no_end_marker": {
      if (!stream) return halfBody(input, "end", "incomplete");
      const script = input.wire.stream(ctx, "stop");
      const tokens = Math.min(fault.after_tokens ?? script.tokens.length, script.tokens.length);
      return streamBase(
        input,
        [...script.head, ...script.tokens.slice(0, tokens)],
        script.head.length,
        [],
        "end",
        "incomplete",
      );
    }
    case "content_filter": {
      const mode = fault.mode ?? profile.defaultFilterMode;
      if (mode === "prompt" && (profile.name === "azure" || profile.name === "openrouter")) {
        return errorBase(input, profile.errorResponse("content_filter", params), "content_filter");
      }
      if (mode === "prompt" && profile.name === "google")
        return success(input, "blocked_prompt", 0, "content_filter");
      return success(input, "content_filter", mode === "prompt" ? 0 : fault.after_tokens, "content_filter");
    }
    case "connection_refused":
      return { kind: "network", action: "refuse", garbageBytes: 0 };
    case "reset_before_bytes":
      return { kind: "network", action: "reset", garbageBytes: 0 };
    case "empty_response":
      return { kind: "network", action: "empty", garbageBytes: 0 };
    case "garbage_then_close":
      return { kind: "network", action: "garbage", garbageBytes: fault.bytes };
    case "healthy":
      return success(input, "stop", ctx.tokens.length);
    case "latency":
    case "stall":
    case "slow_ttft":
    case "dribble":
    case "split_frames":
      // Shapers never decide an answer (the schedule keeps them out of `primary`).
      return success(input, "stop", ctx.tokens.length);
    default: {
      const unreachable: never = fault;
      throw new TypeError(
        `Failed to plan a reply: unknown fault ${JSON.stringify(unreachable)}. Use a kind from FAULT_KINDS.`,
      );
    }
  }
}

/** A success (or a filtered answer) with the first `tokens` tokens of the text. */
function success(input: PlanInput, finish: Finish, tokens: number, outcome: EndOutcome = "ok"): HttpBase {
  const ctx = { ...input.ctx, tokens: input.ctx.tokens.slice(0, tokens) };
  const headers = { ...input.profile.successHeaders(ctx.requestId, ctx.nowMs) };
  if (!input.stream) {
    const contentType =
      input.profile.name === "google" ? "application/json; charset=UTF-8" : "application/json";
    return httpBase(
      input,
      200,
      { ...headers, "content-type": contentType },
      bodyOf([JSON.stringify(input.wire.success(ctx, finish))], 0, () => 0, "end"),
      outcome,
    );
  }
  const script = input.wire.stream(ctx, finish);
  return streamBase(
    { ...input, ctx },
    [...script.head, ...script.tokens],
    script.head.length,
    [...script.tail],
    "end",
    outcome,
    headers,
  );
}

function streamBase(
  input: PlanInput,
  frames: string[],
  firstToken: number,
  after: string[],
  terminal: Terminal,
  outcome: EndOutcome,
  extra: Record<string, string> = {},
): HttpBase {
  const headers = {
    ...extra,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  };
  const tokenAt = (n: number): number => Math.min(firstToken + n, frames.length);
  return httpBase(
    input,
    200,
    headers,
    bodyOf([...frames, ...after], Math.min(firstToken, frames.length), tokenAt, terminal),
    outcome,
  );
}

function errorBase(input: PlanInput, response: WireResponse, outcome: EndOutcome): HttpBase {
  return {
    kind: "http",
    head: {
      status: response.status,
      statusText: response.statusText,
      headers: replyHeaders(
        input.profile.headers(input.ctx.requestId),
        response.headers,
        input.ctx.requestId,
      ),
      outcome,
    },
    body: bodyOf([response.body], 0, () => 0, "end"),
  };
}

function httpBase(
  input: PlanInput,
  status: number,
  headers: Record<string, string>,
  body: Body,
  outcome: EndOutcome,
): HttpBase {
  return {
    kind: "http",
    head: {
      status,
      statusText: statusText(status),
      headers: replyHeaders(input.profile.headers(input.ctx.requestId), headers, input.ctx.requestId),
      outcome,
    },
    body,
  };
}

/**
 * A reply's headers: the provider's own, then the answer's over them, then the fleet's request id, in the
 * order a spread of the three would give. Copied key by key rather than spread: once this site is hot, a
 * spread gave every reply's headers a hidden class of its own (~340 bytes), held while the reply waits out
 * its latency (issue 15 item 5: 10,000 requests in flight under 200 MB).
 */
function replyHeaders(
  provider: Readonly<Record<string, string>>,
  answer: Readonly<Record<string, string>>,
  requestId: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(provider)) out[key] = provider[key] as string;
  for (const key of Object.keys(answer)) out[key] = answer[key] as string;
  out["x-fleet-request-id"] = requestId;
  return out;
}

/** The first half of a successful JSON body, then `terminal`. */
function halfBody(input: PlanInput, terminal: Terminal, outcome: EndOutcome): HttpBase {
  const whole = success(input, "stop", input.ctx.tokens.length);
  const text = whole.body.frames.join("");
  return {
    ...whole,
    head: { ...whole.head, outcome },
    body: bodyOf([text.slice(0, Math.floor(text.length / 2))], 0, () => 0, terminal),
  };
}

/**
 * The sum of every latency shaper's draw, in whole milliseconds: timers have millisecond resolution, and
 * whole-millisecond times keep an audit's timestamps exact, so a replay of it lands on the same instants.
 */
function latencyOf(input: PlanInput): number {
  let total = 0;
  for (const { fault } of input.selection.shapers)
    if (fault.kind === "latency") total += drawLatency(fault.distribution, input.random);
  return Math.round(total);
}

type Distribution = Extract<Fault, { kind: "latency" }>["distribution"];

/** One latency draw; lognormal uses Box–Muller on two draws of the seeded stream. */
export function drawLatency(distribution: Distribution, random: Random): number {
  switch (distribution.type) {
    case "fixed":
      return distribution.ms;
    case "sequence":
      // The schedule turns each firing of a sequence into its fixed value; a bare draw takes the first.
      return distribution.ms[0] ?? 0;
    case "uniform":
      return distribution.min + random.next() * (distribution.max - distribution.min);
    case "lognormal": {
      const u1 = 1 - random.next();
      const u2 = random.next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const ms = distribution.median * Math.exp(distribution.sigma * z);
      return distribution.max === undefined ? ms : Math.min(ms, distribution.max);
    }
    default: {
      const unreachable: never = distribution;
      throw new TypeError(
        `Failed to draw a latency: unknown distribution ${JSON.stringify(unreachable)}. Use fixed, uniform, lognormal or sequence.`,
      );
    }
  }
}
