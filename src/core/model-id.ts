/**
 * A model id is `provider/model`; the provider is the first segment and the model part may itself contain
 * `/` (`openrouter/anthropic/claude-sonnet-4.5`). The brand keeps unchecked strings out of chains.
 */
export type ModelId = string & { readonly __brand: "ModelId" };

/** The provider and model parts of a model id. */
export interface ModelIdParts {
  readonly provider: string;
  readonly model: string;
}

const MODEL_ID = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/(\S+)$/;

/** True when `value` is a well-formed `provider/model` id. */
export function isModelId(value: unknown): value is ModelId {
  return typeof value === "string" && MODEL_ID.test(value) && !value.endsWith("/");
}

/** Brands a string as a model id, or returns undefined when it is not one. */
export function parseModelId(value: string): ModelId | undefined {
  return isModelId(value) ? value : undefined;
}

/** Splits a model id at its first `/`. */
export function splitModelId(id: ModelId): ModelIdParts {
  const slash = id.indexOf("/");
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}
