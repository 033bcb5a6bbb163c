import { FLEET_PROVIDERS } from "../fleet/providers/types.ts";

/**
 * Where a credential may start: where a word does, or right after a JSON escape (`\n`, `\t`, `\r`), since
 * audit lines and report files hold JSON text and `"…\nsk-…"` has no word boundary before the key.
 */
const START = String.raw`(?:(?<!\w)|(?<=\\[nrt]))`;

/**
 * What a credential looks like in a log line or a report (SPEC §8: the log never holds one). Each pattern
 * names the kind of secret so a violation can say what it found without repeating it.
 */
export const SECRET_PATTERNS: ReadonlyArray<{
  readonly kind: string;
  readonly pattern: RegExp;
  /**
   * Text every match of `pattern` contains, as a pattern with no look-behind. A pattern that starts with a
   * look-behind is tried at every position of a text; a text without the marker cannot match and is skipped
   * (the report's scrub ran all seven over every file it wrote: a tenth of a suite run's judging thread).
   */
  readonly marker: RegExp;
}> = [
  // OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) keys.
  { kind: "an sk- API key", pattern: new RegExp(`${START}sk-[A-Za-z0-9_-]{16,}`), marker: /sk-/ },
  {
    kind: "a bearer token",
    pattern: new RegExp(String.raw`${START}Bearer\s+[A-Za-z0-9._~+/=-]{8,}`, "i"),
    marker: /bearer/i,
  },
  // Google API keys are AIza followed by 35 characters.
  {
    kind: "a Google API key",
    pattern: new RegExp(String.raw`${START}AIza[0-9A-Za-z_-]{35}\b`),
    marker: /AIza/,
  },
  { kind: "an AWS access key", pattern: new RegExp(String.raw`${START}AKIA[0-9A-Z]{16}\b`), marker: /AKIA/ },
  // A JWT is base64url(header).base64url(payload).signature, and both JSON parts start with `{"` = `eyJ`.
  {
    kind: "a JWT",
    pattern: new RegExp(String.raw`${START}eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`),
    marker: /eyJ/,
  },
  // The mocked fleet's own keys (harness/fleet/fleet.ts hands out `fleet-<provider>-key`): an engine that
  // echoes them would echo a real key the same way.
  {
    kind: "a fleet API key",
    pattern: new RegExp(String.raw`${START}fleet-(?:${FLEET_PROVIDERS.join("|")})-key\b`),
    marker: /fleet-/,
  },
  {
    kind: "an api key assignment",
    pattern: new RegExp(String.raw`${START}(?:x-)?api[_-]?key\b["']?\s*[:=]\s*["']?[A-Za-z0-9._-]{12,}`, "i"),
    marker: /api[_-]?key/i,
  },
];

/** The kind of the first credential-looking text in `text`, or undefined. */
export function findSecret(text: string): string | undefined {
  return SECRET_PATTERNS.find(({ pattern }) => pattern.test(text))?.kind;
}
