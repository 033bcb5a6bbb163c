/**
 * The mark the harness puts on each scenario request so the fleet can tell which request a provider call
 * serves (SPEC §10.2), even for an engine that uses its own HTTP client and drops the harness's headers: a
 * short tag appended to the prompt, `… [fh:r3]`. Appended, not prepended, so it survives compaction that
 * keeps a prompt's tail (the runner's hook keeps the last 200 characters), and so the prompt as written is
 * still a substring of what the engine saw (the prompt-leak check searches for it).
 */

/** One marker; the number is the request's 0-based index in the scenario's plan. */
const MARKER = /\[fh:r(\d{1,9})\]/g;

/** The prompt `prompt` marked as request `index`. */
export function markPrompt(prompt: string, index: number): string {
  return `${prompt} [fh:r${index}]`;
}

/**
 * The request a provider call serves, read from its parsed JSON body: every string in it is searched, so
 * it works for every wire API (chat `messages`, Responses `input`, Anthropic `system`/`messages`, Gemini
 * `contents[].parts[]`) and for an engine that moves the prompt elsewhere. Null when no marker is there, or
 * when markers of two different requests are (never guessed).
 */
export function readRequestMarker(body: unknown): number | null {
  const found = new Set<number>();
  collect(body, found, 0);
  if (found.size !== 1) return null;
  const [only] = found;
  return only ?? null;
}

function collect(value: unknown, found: Set<number>, depth: number): void {
  // A request body is shallow; the bound only keeps a hostile body from blowing the stack.
  if (depth > 64) return;
  if (typeof value === "string") {
    // Most strings of a body hold no marker: one substring search spares them the regex iterator.
    if (!value.includes("[fh:r")) return;
    for (const match of value.matchAll(MARKER)) found.add(Number(match[1]));
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1);
  } else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) collect(item, found, depth + 1);
  }
}
