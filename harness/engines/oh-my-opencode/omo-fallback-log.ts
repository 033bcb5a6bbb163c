/**
 * What oh-my-opencode's runtime_fallback has said about a session's latest failure, read from its log
 * (`$TMPDIR/oh-my-opencode.log`, lines `[<ISO time>] [runtime-fallback] <message> {"sessionID":…}`; pure):
 * - `silent`: it logged nothing about an error of the session since the time given;
 * - `deciding`: it saw the error and has not logged a decision yet;
 * - `falling-back`: it prepared a fallback (the next model's message follows some seconds later);
 * - `no-fallback`: it decided not to fall back (the error is not retryable, no model is left, …).
 * The messages are oh-my-opencode 4.19.4's (`hooks/runtime-fallback/*`).
 */
export type FallbackVerdict = "silent" | "deciding" | "falling-back" | "no-fallback";

const NO_FALLBACK = [
  "Error not retryable, skipping fallback",
  "message.updated error not retryable, skipping fallback",
  "No fallback models configured",
  "Fallback preparation failed",
  "No model info available, cannot fallback",
  "message.updated missing model info, cannot fallback",
];
const FALLING_BACK = ["Preparing fallback"];
/** It saw an error, or gave up on a prepared fallback (its state restored): undecided. */
const DECIDING = [
  "message.updated with assistant error",
  "session.error received",
  "Fallback dispatch was not accepted",
];

const LINE = /^\[([^\]]+)\] \[runtime-fallback\] (.*)$/;

/** The verdict from the lines about `sessionID` logged at or after `sinceMs` (epoch ms); the last one counts. */
export function fallbackVerdict(logText: string, sessionID: string, sinceMs: number): FallbackVerdict {
  let verdict: FallbackVerdict = "silent";
  const tag = `"sessionID":${JSON.stringify(sessionID)}`;
  for (const line of logText.split("\n")) {
    const match = LINE.exec(line);
    if (match === null || !line.includes(tag)) continue;
    const at = Date.parse(match[1] ?? "");
    if (!Number.isFinite(at) || at < sinceMs) continue;
    const text = match[2] ?? "";
    const says = (messages: readonly string[]): boolean => messages.some((m) => text.startsWith(`${m} `));
    if (says(NO_FALLBACK)) verdict = "no-fallback";
    else if (says(FALLING_BACK)) verdict = "falling-back";
    else if (says(DECIDING)) verdict = "deciding";
  }
  return verdict;
}

/**
 * oh-my-opencode's context-window-limit-recovery hook acts on errors runtime_fallback declines: it
 * summarizes the session (a compaction call, ~4 s after the error, observed in s12) on a context overflow
 * or a token-limit text (its `parser.ts` keywords and patterns, 4.19.4). For such an error a "no-fallback"
 * verdict is not the end of the request.
 */
const RECOVERY_KEYWORDS = [
  "prompt is too long",
  "is too long",
  "context_length_exceeded",
  "max_tokens",
  "token limit",
  "context length",
  "too many tokens",
  "non-empty content",
];
const RECOVERY_PATTERNS = [
  /(\d+)\s*tokens?\s*>\s*(\d+)\s*maximum/i,
  /prompt.*?(\d+).*?tokens.*?exceeds.*?(\d+)/i,
  /(\d+).*?tokens.*?limit.*?(\d+)/i,
  /context.*?length.*?(\d+).*?maximum.*?(\d+)/i,
  /max.*?context.*?(\d+).*?but.*?(\d+)/i,
  /thinking.*first block/i,
  /first block.*thinking/i,
  /must.*start.*thinking/i,
  /thinking.*redacted_thinking/i,
  /expected.*thinking.*found/i,
  /thinking.*disabled.*cannot.*contain/i,
];

export function recoveryMayFollow(error: unknown): boolean {
  const text = JSON.stringify(error ?? null);
  if (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "ContextOverflowError"
  )
    return true;
  const lower = text.toLowerCase();
  return RECOVERY_KEYWORDS.some((k) => lower.includes(k)) || RECOVERY_PATTERNS.some((p) => p.test(text));
}
