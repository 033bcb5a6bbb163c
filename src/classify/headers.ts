import { isArray, isBag, isInstance, read, readItems, readKeys } from "./safe-read.ts";

/** Response headers, names lower-cased, as one read-only map. */
export type HeaderMap = ReadonlyMap<string, string>;

/** An empty header map, shared. */
export const NO_HEADERS: HeaderMap = new Map();

/** Real responses carry a few dozen headers; more than this is not a header bag. */
const MAX_HEADERS = 200;

/**
 * Normalises headers given as a `Headers` (or `Map`), a plain record with names in any case (values may be
 * strings, numbers or string arrays, as Node's `IncomingHttpHeaders`), or an array of `[name, value]` pairs.
 * Anything else, or anything that throws while being read, gives an empty map.
 */
export function readHeaders(value: unknown): HeaderMap {
  if (!isBag(value)) return NO_HEADERS;
  const out = new Map<string, string>();
  try {
    if (isInstance(value, globalThis.Headers) || isInstance(value, Map)) {
      (value as Headers | Map<unknown, unknown>).forEach((v: unknown, k: unknown) => put(out, k, v));
    } else if (isArray(value)) {
      for (const pair of readItems(value, MAX_HEADERS)) put(out, read(pair, 0), read(pair, 1));
    } else {
      for (const key of readKeys(value, MAX_HEADERS)) put(out, key, read(value, key));
    }
  } catch {
    // A hostile Headers look-alike: keep whatever was read before it threw.
  }
  return out;
}

/** Adds one header, name lower-cased; a module function, not a closure per call (this runs per failure). */
function put(out: Map<string, string>, name: unknown, v: unknown): void {
  if (typeof name !== "string" || out.size >= MAX_HEADERS) return;
  const text = headerValue(v);
  if (text !== undefined) out.set(name.toLowerCase(), text);
}

function headerValue(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (isArray(v)) {
    const parts = readItems(v, 20).filter((p): p is string => typeof p === "string");
    return parts.length > 0 ? parts.join(", ") : undefined;
  }
  return undefined;
}
