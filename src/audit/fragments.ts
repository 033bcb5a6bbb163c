import type { ModelId } from "../core/model-id.ts";

/**
 * The success path's audit tails (what `AuditWriter.writeTail` appends after a request's members), built
 * from pre-serialised pieces: a request that is served at once writes three lines, and an object plus a
 * `JSON.stringify` per line was most of what its audit cost. Each builder gives exactly the bytes of
 * `JSON.stringify(fields)` for the event's fields in schema order (fragments.test.ts holds them to that).
 */

/** A number as `JSON.stringify` writes it (a non-finite one is `null`). */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/** Beyond this many distinct models the cache starts over, so odd callers cannot grow it forever. */
const MAX_MODELS = 1_024;
const modelJsonCache = new Map<ModelId, string>();

/** A model id as a JSON string, serialised once per model. */
export function modelJson(model: ModelId): string {
  let json = modelJsonCache.get(model);
  if (json === undefined) {
    if (modelJsonCache.size >= MAX_MODELS) modelJsonCache.clear();
    json = JSON.stringify(model);
    modelJsonCache.set(model, json);
  }
  return json;
}

/** `fallback_request`: `{ chain, primary }`. */
export function requestTail(chain: readonly ModelId[], primary: ModelId): string {
  return `,"chain":${JSON.stringify(chain)},"primary":${modelJson(primary)}}`;
}

/** `fallback_attempt`: `{ model, attempt, model_attempt }`. */
export function attemptTail(model: ModelId, attempt: number, modelAttempt: number): string {
  return `,"model":${modelJson(model)},"attempt":${jsonNumber(attempt)},"model_attempt":${jsonNumber(modelAttempt)}}`;
}

/** `fallback_success`: `{ model, attempt, latency_ms, fallback }`. */
export function successTail(model: ModelId, attempt: number, latencyMs: number, fallback: boolean): string {
  return `,"model":${modelJson(model)},"attempt":${jsonNumber(attempt)},"latency_ms":${jsonNumber(latencyMs)},"fallback":${fallback ? "true" : "false"}}`;
}
