import type { Violation } from "../check/violation-collector.ts";
import { str, violation, type NumberedAuditLine } from "./ground-truth-types.ts";

/**
 * Prompts shorter than this are not searched for: a two-word prompt ("Say hi") occurs in ordinary text by
 * chance, and a finding must mean the engine copied the caller's words.
 */
export const MIN_PROMPT_CHARS = 16;
/** A longer prompt is also searched for by its opening, so a log that truncates what it copies is still caught. */
const PROMPT_HEAD_CHARS = 64;

function stringsOf(value: unknown, out: string[], depth = 0): string[] {
  if (depth > 32) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out, depth + 1);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsOf(item, out, depth + 1);
    }
  }
  return out;
}

/**
 * SPEC §8 and §10.3: the log never holds a credential or a prompt. Searches every string of every line
 * (decoded, so JSON escaping cannot hide a prompt with quotes in it; the raw text of an unparseable line)
 * for the fleet's API keys and the prompts the harness sent. One violation per line and kind.
 */
export function checkLeaks(
  audit: readonly NumberedAuditLine[],
  secrets: readonly string[],
  prompts: readonly string[],
): Violation[] {
  const keys = [...new Set(secrets.filter((s) => s.length > 0))];
  const needles = [
    ...new Set(prompts.map((p) => p.trim()).filter((p) => p.length >= MIN_PROMPT_CHARS)),
  ].flatMap((p) => (p.length > PROMPT_HEAD_CHARS ? [p, p.slice(0, PROMPT_HEAD_CHARS)] : [p]));
  const violations: Violation[] = [];
  for (const { line, text, record } of audit) {
    const haystack = record === null ? [text] : stringsOf(record, []);
    const at = { requestId: record === null ? null : (str(record, "request_id") ?? null), text };
    const key = keys.find((k) => haystack.some((s) => s.includes(k)));
    if (key !== undefined)
      violations.push(
        violation(
          "fleet-key-in-log",
          line,
          `the line holds the fleet's API key ${mask(key)}; the log never holds a credential (SPEC §8)`,
          at,
        ),
      );
    const prompt = needles.find((p) => haystack.some((s) => s.includes(p)));
    if (prompt !== undefined)
      violations.push(
        violation(
          "prompt-in-log",
          line,
          `the line holds the prompt text "${shorten(prompt)}"; the log never holds a prompt (SPEC §8)`,
          at,
        ),
      );
  }
  return violations;
}

/** Enough of a key to recognise it in a report, never the whole of it. */
function mask(key: string): string {
  return `${key.slice(0, 6)}…`;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
