/**
 * SPEC §1: a model id is `provider/model`; the provider is the first segment (letters, digits, `.`, `_`,
 * `-`, starting with a letter or digit) and the model part, which may itself hold `/`, is non-empty and has
 * no whitespace. The oracle's own test, so the judge does not borrow the engine's.
 */
const MODEL_ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/\S+$/;

/**
 * A string the oracle checked has the model-id shape. The brand is spelled like the engine's `ModelId`
 * brand on purpose: TypeScript compares brands structurally, so audit fields the oracle's schema accepted
 * flow into harness code typed with either, without the oracle importing the engine's type.
 */
export type ModelIdShape = string & { readonly __brand: "ModelId" };

/** True when `value` has the `provider/model` shape of SPEC §1. */
export function isModelIdShape(value: unknown): value is ModelIdShape {
  return typeof value === "string" && MODEL_ID_SHAPE.test(value) && !value.endsWith("/");
}
