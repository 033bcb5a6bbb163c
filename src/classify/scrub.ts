/**
 * Message scrubbing (SPEC §3, §8): classification messages end up in the audit log, which must never hold a
 * credential. Provider messages do echo keys back ("Incorrect API key provided: sk-abc***"), and network
 * errors echo URLs that may carry `?key=` (Gemini's query-string key).
 */

/** What replaces a credential. */
export const REDACTED = "[redacted]";

/** The longest message `classify` and the audit log keep. */
export const MAX_MESSAGE_CHARS = 500;

/**
 * Scrubbing runs on at most this many characters. The result is cut to 500 anyway, so a longer prefix only
 * costs time; 4 000 leaves a wide margin for a secret that straddles the 500 mark.
 */
const MAX_SCAN_CHARS = 4000;

const r = REDACTED;

/** Ordered: the labelled forms first, so "Bearer sk-…" keeps its label and loses only the token. */
const PATTERNS: ReadonlyArray<readonly [RegExp, string | ((match: string) => string)]> = [
  // Authorization schemes: keep the scheme word, drop the token.
  [/\b(Bearer|Basic|Token)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${r}`],
  // Header or field style "api-key: …", "x-api-key=…", "\"api_key\": \"…\"".
  [
    /\b(x-api-key|x-goog-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|client[-_]?secret|secret[-_]?key|password)("?\s*[:=]\s*"?)(?!\[redacted\])[^\s"',;&]+/gi,
    `$1$2${r}`,
  ],
  // Credentials in URL query strings: ?key=…, &api_key=…, &sig=…
  [/([?&](?:key|api[-_]?key|access_token|token|sig|signature|secret)=)[^&\s#"']+/gi, `$1${r}`],
  // Anthropic and OpenAI keys (`*` included: OpenAI echoes keys masked as "sk-abc***").
  [/\bsk-ant-[A-Za-z0-9_*-]{4,}/g, r],
  [/\bsk-[A-Za-z0-9_*-]{6,}/g, r],
  // Google API keys are "AIza" + 35 characters.
  [/\bAIza[0-9A-Za-z_-]{20,}/g, r],
  // Long hex secrets (32+ hex digits: tokens, HMACs).
  [/\b[0-9a-fA-F]{32,}\b/g, r],
  // Long base64/base64url runs, only when they mix digits and both cases: that keeps long CamelCase
  // identifiers such as "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" readable.
  [
    /[A-Za-z0-9+/_-]{40,}={0,2}/g,
    (match) => (/\d/.test(match) && /[a-z]/.test(match) && /[A-Z]/.test(match) ? r : match),
  ],
];

/**
 * Removes anything that looks like a credential (`sk-…`, `sk-ant-…`, `Bearer x`, `AIza…`, `api-key: …`,
 * `x-api-key`, long hex or base64 secrets, `key=…` in URLs), replacing it with `[redacted]`, then cuts the
 * text to 500 characters.
 */
export function scrubMessage(text: string): string {
  let out = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  for (const [pattern, replacement] of PATTERNS) {
    out =
      typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return truncate(out, MAX_MESSAGE_CHARS);
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair, marking the cut with an ellipsis. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
