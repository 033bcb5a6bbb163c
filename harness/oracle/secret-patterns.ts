/**
 * What a credential looks like in a log line (SPEC §8: the log never holds one). Each pattern names the
 * kind of secret so a violation can say what it found without repeating it.
 */
export const SECRET_PATTERNS: ReadonlyArray<{ readonly kind: string; readonly pattern: RegExp }> = [
  // OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) keys.
  { kind: "an sk- API key", pattern: /\bsk-[A-Za-z0-9_-]{16,}/ },
  { kind: "a bearer token", pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/i },
  // Google API keys are AIza followed by 35 characters.
  { kind: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "an AWS access key", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  {
    kind: "an api key assignment",
    pattern: /\b(?:x-)?api[_-]?key\b["']?\s*[:=]\s*["']?[A-Za-z0-9._-]{12,}/i,
  },
];

/** The kind of the first credential-looking text in `text`, or undefined. */
export function findSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find(({ pattern }) => pattern.test(text))?.kind;
}
