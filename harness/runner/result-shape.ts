import type { EngineUnderTestInstance, EngineUnderTestResult } from "../../src/index.ts";

/** True when `run` resolved the SPEC §10 result: `{ model, text, attempts }` with their types. */
export function isEngineResult(value: unknown): value is EngineUnderTestResult {
  if (typeof value !== "object" || value === null) return false;
  const { model, text, attempts } = value as Record<string, unknown>;
  return (
    typeof model === "string" &&
    typeof text === "string" &&
    typeof attempts === "number" &&
    Number.isFinite(attempts)
  );
}

/** True when `create` resolved something with a `run` function (and `close`, if any, a function too). */
export function isEngineInstance(value: unknown): value is EngineUnderTestInstance {
  if (typeof value !== "object" || value === null) return false;
  const { run, close } = value as Record<string, unknown>;
  return typeof run === "function" && (close === undefined || typeof close === "function");
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `{ served: string, output: string }`, `undefined`, `a string` — what the engine gave, for a reason line. */
export function describeResultShape(value: unknown): string {
  if (typeof value !== "object" || value === null)
    return value === undefined ? "undefined" : `${kindOf(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const fields = Object.entries(value as Record<string, unknown>)
    .slice(0, 8)
    .map(([key, field]) => `${key}: ${kindOf(field)}`);
  return fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`;
}
