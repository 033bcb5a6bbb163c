/**
 * Defensive readers for values of unknown shape. `classify` must be total (SPEC §3), and thrown values can
 * be anything: proxies whose traps throw, objects with throwing getters, revoked proxies, cycles, symbols,
 * bigints, megabyte strings. Every read here swallows exceptions and returns `undefined` instead.
 */

/** A non-null object or function, the only values that can carry properties worth reading. */
export type Bag = object;

/** True for a value that may carry properties (objects and functions, never null). */
export function isBag(value: unknown): value is Bag {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** Reads `value[key]`, or `undefined` when `value` is not a bag or the read throws (hostile getters, proxies). */
export function read(value: unknown, key: PropertyKey): unknown {
  if (!isBag(value)) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Reads `value[key]` when it is a string. */
export function readString(value: unknown, key: PropertyKey): string | undefined {
  const v = read(value, key);
  return typeof v === "string" ? v : undefined;
}

/** Reads `value[key]` when it is a finite number. */
export function readNumber(value: unknown, key: PropertyKey): number | undefined {
  const v = read(value, key);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `Array.isArray` that survives revoked proxies (which make it throw). */
export function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** Up to `limit` items of an array-like, read defensively. */
export function readItems(value: unknown, limit: number): unknown[] {
  if (!isArray(value)) return [];
  const out: unknown[] = [];
  const length = readNumber(value, "length") ?? 0;
  for (let i = 0; i < Math.min(length, limit); i++) out.push(read(value, i));
  return out;
}

/** Own enumerable string keys (at most `limit`), or none when enumeration throws. */
export function readKeys(value: unknown, limit: number): string[] {
  if (!isBag(value)) return [];
  try {
    return Object.keys(value).slice(0, limit);
  } catch {
    return [];
  }
}

/** `value instanceof ctor` without letting a hostile `getPrototypeOf` trap escape. */
export function isInstance(value: unknown, ctor: unknown): boolean {
  if (!isBag(value) || typeof ctor !== "function") return false;
  try {
    return value instanceof (ctor as new (...args: never[]) => unknown);
  } catch {
    return false;
  }
}

/** True when `value` carries the AI SDK's brand symbol for `name` (what the classes' `isInstance` checks). */
export function hasAiSdkMarker(value: unknown, name: string): boolean {
  return read(value, markerOf(name)) === true;
}

/** Brand symbols by name: `Symbol.for` builds its key string and searches the registry on every call. */
const MARKERS = new Map<string, symbol>();

function markerOf(name: string): symbol {
  let marker = MARKERS.get(name);
  if (marker === undefined) {
    marker = Symbol.for(`vercel.ai.error.${name}`);
    MARKERS.set(name, marker);
  }
  return marker;
}

/** Parses a JSON text, or `undefined` when it is not JSON. Very large texts are not parsed (cost bound). */
export function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_JSON_CHARS) return undefined;
  const first = trimmed[0];
  if (first !== "{" && first !== "[") return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** Provider error bodies are a few kilobytes; anything past 256 KiB is not an error body worth parsing. */
const MAX_JSON_CHARS = 256 * 1024;

/**
 * A short, bounded, never-throwing rendering of any value, used as the message of inputs that carry none
 * (plain objects, numbers, symbols). Depth, key count and string length are capped so a huge or cyclic
 * value costs little.
 */
export function preview(value: unknown, maxChars = 600): string {
  const seen = new Set<unknown>();
  const out = render(value, 0, seen);
  return out.length > maxChars ? out.slice(0, maxChars) : out;
}

function render(value: unknown, depth: number, seen: Set<unknown>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 200 ? value.slice(0, 200) : value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "undefined";
    case "symbol":
      return safeSymbol(value);
    case "function":
      return "[function]";
    case "object":
      return renderObject(value, depth, seen);
  }
}

function safeSymbol(value: symbol): string {
  try {
    return value.toString();
  } catch {
    return "Symbol()";
  }
}

function renderObject(value: object | null, depth: number, seen: Set<unknown>): string {
  if (value === null) return "null";
  if (seen.has(value)) return "[circular]";
  if (depth >= 3) return "{…}";
  seen.add(value);
  if (isArray(value)) {
    return `[${readItems(value, 10)
      .map((item) => render(item, depth + 1, seen))
      .join(",")}]`;
  }
  const parts = readKeys(value, 12).map(
    (key) => `${JSON.stringify(key)}:${render(read(value, key), depth + 1, seen)}`,
  );
  return `{${parts.join(",")}}`;
}
