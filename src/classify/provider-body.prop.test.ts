import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { loadCorpus } from "../../fixtures/error-corpus/materialize.ts";
import { readProviderFields, readProviderFieldsGuarded } from "./provider-body.ts";

// Fixed so a failure replays exactly; FH_SEED explores (test titles print the seed in use).
const SEED = Number(process.env.FH_SEED ?? 42);

/** Every body and stream part of the corpus, parsed: the shapes real providers send. */
const CORPUS_BODIES: unknown[] = loadCorpus().flatMap((entry) => {
  const input = entry.input;
  if (input.kind === "APICallError" && input.responseBody !== undefined) {
    try {
      return [JSON.parse(input.responseBody) as unknown];
    } catch {
      return [];
    }
  }
  if (input.kind === "StreamPart" || input.kind === "Plain") return [input.value];
  return [];
});

/** Field names the reader looks at, so generated objects hit them more often than chance would. */
const KEY = fc.constantFrom(
  "error",
  "response",
  "code",
  "type",
  "status",
  "statusCode",
  "message",
  "details",
  "innererror",
  "failureReason",
  "metadata",
  "error_code",
  "reason",
  "violations",
  "quotaId",
  "reasons",
  "flagged_input",
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom("429", "500", "insufficient_quota", "error", "RESOURCE_EXHAUSTED", 403, 0, ""),
    fc.dictionary(KEY, tie("tree"), { maxKeys: 4 }),
    fc.array(tie("tree"), { maxLength: 2 }),
  ),
}));

/** Shapes where the envelope is not the inner object: an array or string `error`, a failed response. */
const TRICKY: unknown[] = [
  { error: ["x"], code: "insufficient_quota", type: "rate_limit_error", message: "outer", statusCode: 429 },
  { error: "plain", message: "outer", response: { error: { code: "server_error", message: "inner" } } },
  { error: null, response: { error: ["no"] }, status: "UNAVAILABLE", code: "503" },
  { response: { error: "gone" }, code: "insufficient_quota", message: "m" },
  {
    type: "response.failed",
    response: { error: { code: "rate_limit_exceeded", details: [{ reason: "r" }] } },
  },
  { error: { code: 429, status: "RESOURCE_EXHAUSTED", details: [{ violations: [{ quotaId: "PerDay" }] }] } },
  {
    error: { code: 403, metadata: { reasons: [], flagged_input: "x" } },
    failureReason: "context-length-exceeded",
  },
];

describe(`provider fields by named loads equal the guarded reader's (seed=${SEED})`, () => {
  it("on every body of the error corpus", () => {
    expect(CORPUS_BODIES.length).toBeGreaterThan(80);
    for (const body of [...CORPUS_BODIES, ...TRICKY])
      expect(readProviderFields(body)).toStrictEqual(readProviderFieldsGuarded(body));
  });

  test.prop([tree], { seed: SEED, numRuns: 3000 })(
    "on generated bodies built from the fields read",
    (body) => {
      expect(readProviderFields(body)).toStrictEqual(readProviderFieldsGuarded(body));
    },
  );

  test.prop([fc.anything({ withMap: true, withNullPrototype: true, withBoxedValues: true })], { seed: SEED })(
    "on any value",
    (value) => {
      expect(readProviderFields(value)).toStrictEqual(readProviderFieldsGuarded(value));
    },
  );

  it("falls back to the guarded reader when a read throws, keeping what the other fields say", () => {
    const body = {
      error: Object.defineProperty({ code: "insufficient_quota", message: "quota" }, "type", {
        get() {
          throw new Error("getter");
        },
        enumerable: true,
      }),
    };
    expect(readProviderFields(body)).toMatchObject({
      code: "insufficient_quota",
      type: null,
      messages: ["quota"],
    });
    const trap = new Proxy(
      { error: { type: "overloaded_error" } },
      {
        get(target, key) {
          if (key === "statusCode") throw new Error("trap");
          return Reflect.get(target, key) as unknown;
        },
      },
    );
    expect(readProviderFields(trap)).toStrictEqual(readProviderFieldsGuarded(trap));
    expect(readProviderFields(trap).type).toBe("overloaded_error");
  });
});
