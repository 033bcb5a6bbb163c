import { z } from "zod";
import type { Reason } from "../../src/index.ts";
import { tryParseDuration } from "./duration.ts";

/**
 * The fault catalogue: every fault the fleet can inject, named and parameterised, as a zod discriminated
 * union on `kind`, plus the schedule (`when`) and the binding of a fault to a provider or a model. Scenario
 * files hold these objects verbatim; bad input fails here with the path of the offending field.
 */

/** SPEC §3 reasons a provider can send as an HTTP error (the rest come from sockets, streams or the caller). */
export const HTTP_REASONS = [
  "context_overflow",
  "proxy",
  "quota_exhausted",
  "rate_limit",
  "overloaded",
  "timeout",
  "bad_gateway",
  "unavailable",
  "server_error",
  "auth",
  "permission",
  "model_not_found",
  "content_filter",
  "invalid_request",
] as const satisfies readonly Reason[];

/** A reason a provider can put in an error body. */
export type HttpReason = (typeof HTTP_REASONS)[number];

/** Reasons a provider can send inside a stream or a 200 body: every HTTP reason but a proxy's 407. */
export const BODY_REASONS = HTTP_REASONS.filter((r): r is Exclude<HttpReason, "proxy"> => r !== "proxy");

/** A reason a provider can put in a stream error frame or a 200 error body. */
export type BodyReason = Exclude<HttpReason, "proxy">;

/** A duration: milliseconds, or text such as `250ms`, `30s`, `5m`, `1h`; parsed to milliseconds. */
export const DurationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms =
    typeof value === "number"
      ? Number.isFinite(value) && value >= 0
        ? value
        : undefined
      : tryParseDuration(value);
  if (ms === undefined) {
    ctx.issues.push({
      code: "custom",
      input: value,
      message: `Expected a duration such as 250ms, 30s, 5m or 1h (or milliseconds ≥ 0), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const count = z.number().int().min(0);
const positiveDuration = DurationSchema.refine((ms) => ms > 0, { message: "Expected a duration above zero" });

const LatencyDistributionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("fixed"), ms: DurationSchema }),
  z
    .strictObject({ type: z.literal("uniform"), min: DurationSchema, max: DurationSchema })
    .refine((d) => d.max >= d.min, { message: "max must not be below min", path: ["max"] }),
  z.strictObject({
    type: z.literal("lognormal"),
    median: positiveDuration,
    sigma: z.number().min(0).max(4),
    /** Cap on a draw, so one tail sample cannot stall a run for hours. */
    max: DurationSchema.optional(),
  }),
  /** One value per firing of the binding, in arrival order; 0 once the list is used up. Replay pins recorded latencies with it. */
  z.strictObject({ type: z.literal("sequence"), ms: z.array(DurationSchema).min(1) }),
]);

/** Every fault, discriminated by `kind`. Defaults are filled in by the schema. */
export const FaultSchema = z.discriminatedUnion("kind", [
  /** An HTTP error in the provider's own shape for a SPEC §3 reason; status and Retry-After may be overridden. */
  z.strictObject({
    kind: z.literal("http_error"),
    reason: z.enum(HTTP_REASONS),
    status: z.number().int().min(400).max(599).optional(),
    /** `retry-after` in seconds. */
    retry_after: z.number().min(0).optional(),
    /** `retry-after-ms`. */
    retry_after_ms: z.number().min(0).optional(),
    /** `retry-after` as an HTTP date this far after the fleet's now. */
    retry_after_date: DurationSchema.optional(),
    /** Raw body text sent instead of the provider's error body. */
    body: z.string().optional(),
    /**
     * false: the body carries no form of the wait (no "try again in …" text, no Gemini RetryInfo), so a
     * scenario about one header tests that header alone. Default true: the body repeats it as the provider does.
     */
    retry_after_in_body: z.boolean().optional(),
    /**
     * false: no `retry-after` / `retry-after-ms` header is sent, so the wait travels only in the body (Gemini
     * sends no header of its own; its wait rides in RetryInfo.retryDelay). Default true.
     */
    retry_after_in_headers: z.boolean().optional(),
  }),
  /** HTTP 200 whose JSON body is the provider's error body for `reason`. */
  z.strictObject({
    kind: z.literal("error_in_200"),
    reason: z.enum(BODY_REASONS as [BodyReason, ...BodyReason[]]),
  }),
  /** A Cloudflare HTML gateway page. */
  z.strictObject({
    kind: z.literal("html_gateway"),
    status: z.union([z.literal(502), z.literal(503), z.literal(504)]).default(502),
  }),
  /** The provider's in-band stream error frame, as the first frame (0) or after N text tokens. */
  z.strictObject({
    kind: z.literal("stream_error"),
    reason: z.enum(BODY_REASONS as [BodyReason, ...BodyReason[]]),
    after_tokens: count.default(0),
  }),
  /** The connection dies after N body chunks (frames): no end marker, the body read fails. */
  z.strictObject({ kind: z.literal("stream_cut"), after_chunks: count.default(1) }),
  /**
   * Silence for `duration` (omitted: until the client gives up). At `after_tokens` 0 (the default) nothing is
   * sent, not even the status line and headers (a header timeout can fire); after N tokens it is a pause in
   * the body, after the headers (a non-streaming body has no tokens to count: the pause comes before it).
   */
  z.strictObject({
    kind: z.literal("stall"),
    duration: DurationSchema.optional(),
    after_tokens: count.default(0),
  }),
  /** The opening frames at once, the first text token after `delay`. */
  z.strictObject({ kind: z.literal("slow_ttft"), delay: DurationSchema }),
  /** `interval` between consecutive body chunks. */
  z.strictObject({ kind: z.literal("dribble"), interval: DurationSchema }),
  /** An unparseable frame inserted before chunk N (0 = first). */
  z.strictObject({ kind: z.literal("malformed_chunk"), at_chunk: count.default(1) }),
  /** The stream closes cleanly after N tokens (omitted: all) with no finish frame and no end marker. */
  z.strictObject({ kind: z.literal("no_end_marker"), after_tokens: count.optional() }),
  /** Time before the response starts, drawn from the provider/model's seeded stream. */
  z.strictObject({ kind: z.literal("latency"), distribution: LatencyDistributionSchema }),
  /** No connection. In-process: a fetch network error; loopback: the socket is reset before any byte. */
  z.strictObject({ kind: z.literal("connection_refused") }),
  /** The connection is reset before any byte (loopback: a real RST). */
  z.strictObject({ kind: z.literal("reset_before_bytes") }),
  /** The connection closes with no response at all. */
  z.strictObject({ kind: z.literal("empty_response") }),
  /** Bytes that are not HTTP, then close. */
  z.strictObject({
    kind: z.literal("garbage_then_close"),
    bytes: z.number().int().min(1).max(65_536).default(64),
  }),
  /** Body bytes re-cut at seeded random boundaries, at most `max_piece_bytes` per chunk. */
  z.strictObject({
    kind: z.literal("split_frames"),
    max_piece_bytes: z.number().int().min(1).max(65_536).default(16),
  }),
  /**
   * The provider's content filter. `output` (default for OpenAI, Anthropic, Google): a 200 whose finish is
   * the filter (`content_filter`, `refusal`, `SAFETY`) after N tokens. `prompt` (default for Azure and
   * OpenRouter): the prompt is refused (Azure 400 `content_filter`, OpenRouter 403 moderation, Gemini
   * `promptFeedback.blockReason`; OpenAI and Anthropic have no prompt filter and answer as `output`).
   */
  z.strictObject({
    kind: z.literal("content_filter"),
    mode: z.enum(["output", "prompt"]).optional(),
    after_tokens: count.default(0),
  }),
  /** The provider answers normally. Replay uses it to pin a success among failures that arrive at the same instant. */
  z.strictObject({ kind: z.literal("healthy") }),
  /** A token bucket of `limit` requests per `per`, refilled continuously; an empty bucket answers 429 with Retry-After. */
  z.strictObject({
    kind: z.literal("token_bucket"),
    limit: z.number().int().min(1),
    per: positiveDuration,
    scope: z.enum(["model", "key"]).default("model"),
  }),
  /** From `at` after the fleet starts (default at once), every request fails authentication. */
  z.strictObject({ kind: z.literal("auth_revoked"), at: DurationSchema.default(0) }),
]);

/** A validated fault (defaults filled in, durations in milliseconds). */
export type Fault = z.output<typeof FaultSchema>;
/** A fault as written in a scenario file. */
export type FaultInput = z.input<typeof FaultSchema>;
/** The fault names, for messages and docs. */
export type FaultKind = Fault["kind"];
/** Every fault name. */
export const FAULT_KINDS = FaultSchema.options.map((o) => o.shape.kind.value) as readonly FaultKind[];

/**
 * When a binding fires. All given conditions must hold: `from`/`until` is a window on the fleet clock
 * measured from the fleet's start (`until` exclusive), `probability` is drawn from a seeded stream,
 * and `times` stops firing after N hits ("fail N times, then recover").
 */
export const WhenSchema = z
  .strictObject({
    times: z.number().int().min(1).optional(),
    from: DurationSchema.optional(),
    until: DurationSchema.optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .refine((w) => w.from === undefined || w.until === undefined || w.until > w.from, {
    message: "until must be after from",
    path: ["until"],
  });

/** A validated schedule. */
export type When = z.output<typeof WhenSchema>;

/**
 * A fault bound to a target: a provider name (`openai`), a model id (`openai/gpt-4o`) or `*` (every
 * request). `name` labels it in the request log (default: the fault's kind).
 */
export const FaultBindingSchema = z.strictObject({
  target: z.string().min(1),
  fault: FaultSchema,
  when: WhenSchema.optional(),
  name: z.string().min(1).optional(),
});

/** A validated binding. */
export type FaultBinding = z.output<typeof FaultBindingSchema>;
/** A binding as written in a scenario file. */
export type FaultBindingInput = z.input<typeof FaultBindingSchema>;

/** One problem with fault input: where it is (`faults.2.fault.kind`) and what is expected. */
export interface FaultProblem {
  readonly path: string;
  readonly message: string;
}

/** The result of {@link parseFaultBindings}: data, never an exception. */
export type ParseFaultsResult =
  | { readonly ok: true; readonly bindings: readonly FaultBinding[] }
  | { readonly ok: false; readonly problems: readonly FaultProblem[] };

const BindingListSchema = z.array(FaultBindingSchema);

/** Validates a list of fault bindings (as read from a scenario file); `prefix` starts every problem path. */
export function parseFaultBindings(input: unknown, prefix = "faults"): ParseFaultsResult {
  const parsed = BindingListSchema.safeParse(input);
  if (parsed.success) return { ok: true, bindings: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  };
}

/** A list of problems as one line each: `faults.0.fault.kind: Invalid discriminator value. …`. */
export function formatFaultProblems(problems: readonly FaultProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join("\n");
}
