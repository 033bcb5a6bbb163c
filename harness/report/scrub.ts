import { SECRET_PATTERNS } from "../oracle/secret-patterns.ts";

/** The same patterns the checker uses, global, so every occurrence is replaced and not only the first. */
const GLOBAL_PATTERNS = SECRET_PATTERNS.map(({ kind, pattern, marker }) => ({
  kind,
  pattern: new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`),
  marker,
}));

/**
 * `text` with anything shaped like a credential replaced by `[redacted: <kind>]`. The replacement holds no
 * quote, backslash or markup character, so scrubbed JSON, XML and HTML stay well formed.
 */
export function scrubText(text: string): string {
  let out = text;
  for (const { kind, pattern, marker } of GLOBAL_PATTERNS)
    if (marker.test(out)) out = out.replace(pattern, `[redacted: ${kind}]`);
  return out;
}

/**
 * A copy of `value` with every string in it scrubbed (arrays and plain objects walked, other values kept),
 * for data that is rendered by code this project does not own. Keys are kept as they are.
 */
export function scrubDeep<T>(value: T): T {
  if (typeof value === "string") return scrubText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubDeep(item)) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item)])) as T;
  }
  return value;
}
