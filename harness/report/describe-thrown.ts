import { scrubText } from "./scrub.ts";

/** What a thrown or rejected value says, in one line: the `name` and `message` a report prints. */
export interface ThrownSummary {
  readonly name: string;
  readonly message: string;
}

/** A message longer than this is cut, so one verbose engine error cannot swamp a report line. */
export const MAX_MESSAGE_CHARS = 1_000;

/** Newlines become ` ⏎ ` so a multi-line message stays one line and the breaks stay visible. */
function oneLine(text: string): string {
  const flat = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ⏎ ");
  if (flat.length <= MAX_MESSAGE_CHARS) return flat;
  return `${flat.slice(0, MAX_MESSAGE_CHARS)}… (${flat.length - MAX_MESSAGE_CHARS} more characters)`;
}

/** Reading a property of a hostile value (a throwing getter, a revoked proxy) must not throw again. */
function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function objectText(value: object): string {
  const message = safely(() => (value as { message?: unknown }).message, undefined);
  if (typeof message === "string" && message !== "") return message;
  const json = safely(() => JSON.stringify(value), undefined);
  if (json !== undefined && json !== "{}") return json;
  return safely(() => Object.prototype.toString.call(value), "[object]");
}

function describeError(error: Error, depth: number): ThrownSummary {
  const name = safely(
    () => (typeof error.name === "string" && error.name !== "" ? error.name : "Error"),
    "Error",
  );
  const raw = safely(() => (typeof error.message === "string" ? error.message : String(error.message)), "");
  let message = raw.trim() === "" ? "(no message)" : raw;
  const cause = safely(() => error.cause, undefined);
  // One level of cause says which call failed underneath; deeper chains repeat themselves.
  if (cause !== undefined && depth === 0) {
    const inner = describe(cause, depth + 1);
    message += ` (cause: ${inner.name}: ${inner.message})`;
  }
  if (error instanceof AggregateError) {
    const errors = safely(
      (): unknown[] => (Array.isArray(error.errors) ? (error.errors as unknown[]) : []),
      [],
    );
    if (errors.length > 0)
      message += ` (${errors.length} errors; the first: ${describe(errors[0], depth + 1).message})`;
  }
  return { name, message };
}

function describe(value: unknown, depth: number): ThrownSummary {
  if (value instanceof Error) return describeError(value, depth);
  // Names are the value's type, so a report reads `got error (string: upstream said no)`.
  switch (typeof value) {
    case "string":
      return { name: "string", message: value.trim() === "" ? "(an empty string)" : value };
    case "number":
    case "bigint":
    case "boolean":
      return { name: typeof value, message: String(value) };
    case "undefined":
      return { name: "undefined", message: "rejected with undefined (no error value)" };
    case "symbol":
      return { name: "symbol", message: value.toString() };
    case "function":
      return { name: "function", message: `function ${value.name || "(anonymous)"}` };
    case "object":
      if (value === null) return { name: "null", message: "rejected with null (no error value)" };
      return { name: "object", message: objectText(value) };
  }
  // `typeof` has no other answers, but `unknown` does not narrow to `never` through a switch on it.
  return { name: "value", message: safely(() => String(value), "(unprintable)") };
}

/**
 * Renders anything an engine can throw or reject with — an Error or a subclass, a string, a number,
 * `undefined`, `null`, a plain object, a symbol — as one readable line, never throwing itself:
 * `{ name: "RateLimitError", message: "429 from upstream ⏎ retry later (cause: TypeError: fetch failed)" }`,
 * with credential-shaped text replaced (harness/report/scrub.ts).
 */
export function describeThrown(value: unknown): ThrownSummary {
  const { name, message } = describe(value, 0);
  // Engine-supplied text is scrubbed here as well as at the report edge: callers cut messages to length,
  // and a key cut in half no longer looks like a key to the edge's patterns.
  return { name: oneLine(scrubText(name)), message: oneLine(scrubText(message)) };
}
