import { readHeaders, type HeaderMap } from "./headers.ts";
import { parseJson, read, readItems, readString } from "./safe-read.ts";

/**
 * Reads the provider's requested wait in milliseconds (SPEC §3), from the first source that gives a usable
 * value, in this order:
 * 1. the `retry-after-ms` header (milliseconds, fractions allowed; OpenAI and Azure send it);
 * 2. the `retry-after` header, as seconds or as an HTTP date relative to `nowMs` (a date is ignored without
 *    `nowMs`, since there is nothing deterministic to subtract it from);
 * 3. Gemini's `google.rpc.RetryInfo.retryDelay` in `error.details[]` of the body (`"34.4s"`);
 * 4. the message text ("Please try again in 644ms", "try again in 1.5s", "retry after 20 seconds",
 *    OpenAI's Go-style "6m0s").
 *
 * Negative or unparseable values are ignored and the next source is tried. Headers may be a `Headers`, a
 * plain record in any case, or an array of pairs; the body may be parsed or a JSON string. Results are
 * whole milliseconds, rounded up so a caller never waits less than asked.
 */
export function readRetryAfterMs(
  source: { headers?: unknown; body?: unknown; message?: string },
  nowMs?: number,
): number | null {
  return retryAfterFrom(readHeaders(source.headers), source.body, source.message, nowMs);
}

/** {@link readRetryAfterMs} over headers already read into a {@link HeaderMap} (classification has them). */
export function retryAfterFrom(
  headers: HeaderMap,
  body: unknown,
  message: string | undefined,
  nowMs: number | undefined,
): number | null {
  return (
    fromMilliseconds(headers.get("retry-after-ms")) ??
    fromRetryAfter(headers.get("retry-after"), nowMs) ??
    fromRetryInfo(body) ??
    fromMessage(message)
  );
}

/** A plain non-negative decimal ("12", "1.5"). Signs and exponents are rejected so "-5" never reads as a date. */
const DECIMAL = /^\s*\d+(?:\.\d+)?\s*$/;
/** Anything number-like, so it is not handed to `Date.parse` (which reads "-5" as the year -5). */
const NUMBER_LIKE = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

function fromMilliseconds(value: string | undefined): number | null {
  if (value === undefined || !DECIMAL.test(value)) return null;
  return wholeMs(Number(value));
}

function fromRetryAfter(value: string | undefined, nowMs: number | undefined): number | null {
  if (value === undefined) return null;
  if (DECIMAL.test(value)) return wholeMs(Number(value) * 1000);
  if (NUMBER_LIKE.test(value) || nowMs === undefined || !Number.isFinite(nowMs)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  const delta = at - nowMs;
  return delta >= 0 ? wholeMs(delta) : null;
}

/** Gemini sends `google.protobuf.Duration` as JSON: `"34.4s"`; the object form `{seconds, nanos}` is accepted too. */
function fromRetryInfo(body: unknown): number | null {
  const parsed = typeof body === "string" ? parseJson(body) : body;
  for (const holder of [read(parsed, "error"), parsed, read(read(parsed, "response"), "error")]) {
    for (const detail of readItems(read(holder, "details"), 20)) {
      const type = readString(detail, "@type");
      const delay = read(detail, "retryDelay");
      if (delay === undefined || (type !== undefined && !type.endsWith("RetryInfo"))) continue;
      const ms = durationMs(delay);
      if (ms !== null) return ms;
    }
  }
  return null;
}

function durationMs(delay: unknown): number | null {
  if (typeof delay === "string") {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(delay);
    return match?.[1] === undefined ? null : wholeMs(Number(match[1]) * 1000);
  }
  const seconds = Number(read(delay, "seconds") ?? 0);
  const nanos = Number(read(delay, "nanos") ?? 0);
  if (read(delay, "seconds") === undefined && read(delay, "nanos") === undefined) return null;
  return Number.isFinite(seconds) && Number.isFinite(nanos) ? wholeMs(seconds * 1000 + nanos / 1e6) : null;
}

/** Only the start of a message is scanned: the phrase sits in the first sentence or two. */
const MAX_MESSAGE_SCAN = 4000;

/** "try again in 644ms", "retry after 20 seconds", "Please retry in 34.396152627s", "try again in 6m0s". */
const DELAY_PHRASE =
  /\b(?:try\s+again|retry)\s+(?:in|after)\s+((?:\d+(?:\.\d+)?\s*(?:milliseconds?|ms|minutes?|mins?|m|seconds?|secs?|s|hours?|hrs?|h)(?![a-z])\s*)+)/i;
const DELAY_PART =
  /(\d+(?:\.\d+)?)\s*(milliseconds?|ms|minutes?|mins?|m|seconds?|secs?|s|hours?|hrs?|h)(?![a-z])/gi;

function fromMessage(message: string | undefined): number | null {
  if (typeof message !== "string") return null;
  const phrase = DELAY_PHRASE.exec(message.slice(0, MAX_MESSAGE_SCAN))?.[1];
  if (phrase === undefined) return null;
  let total = 0;
  for (const [, amount, unit] of phrase.matchAll(DELAY_PART)) {
    total += Number(amount) * unitMs((unit ?? "s").toLowerCase());
  }
  return wholeMs(total);
}

function unitMs(unit: string): number {
  if (unit === "ms" || unit.startsWith("milli")) return 1;
  if (unit.startsWith("h")) return 3_600_000;
  if (unit.startsWith("m")) return 60_000;
  return 1000;
}

/**
 * Rounds up to whole milliseconds (the audit stores integers), first removing float noise so 18.403 s is
 * 18 403 ms, not 18 404.
 */
function wholeMs(ms: number): number | null {
  if (!Number.isFinite(ms) || ms < 0) return null;
  return Math.ceil(Math.round(ms * 1000) / 1000);
}
