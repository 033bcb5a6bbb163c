import { describe, expect, it } from "vitest";
import {
  isFilterFinishReason,
  isHttpStatus,
  readFinishReasons,
  readProviderFields,
} from "./provider-body.ts";

const EMPTY = {
  code: null,
  type: null,
  status: null,
  httpCodes: [],
  detailCodes: [],
  quotaIds: [],
  moderation: false,
  messages: [],
};

describe("isHttpStatus", () => {
  it("accepts integers from 100 to 599", () => {
    for (const status of [100, 200, 429, 599]) expect(isHttpStatus(status)).toBe(true);
  });

  it("refuses numbers outside the range, fractions and numeric strings", () => {
    for (const value of [99, 600, 429.5, "429", Number.NaN, null]) expect(isHttpStatus(value)).toBe(false);
  });
});

describe("readProviderFields: body shapes", () => {
  it("reads the OpenAI envelope {error:{message,type,code}}", () => {
    const body = {
      error: { message: "You exceeded your quota", type: "insufficient_quota", code: "insufficient_quota" },
    };
    expect(readProviderFields(body)).toEqual({
      ...EMPTY,
      code: "insufficient_quota",
      type: "insufficient_quota",
      messages: ["You exceeded your quota"],
    });
  });

  it("reads Gemini's numeric code as an HTTP status and its status string", () => {
    const body = { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } };
    expect(readProviderFields(body)).toEqual({
      ...EMPTY,
      status: "RESOURCE_EXHAUSTED",
      httpCodes: [429],
      messages: ["Quota exceeded"],
    });
  });

  it("reads a failed Responses stream event {type:'response.failed', response:{error}}", () => {
    const body = { type: "response.failed", response: { error: { code: "server_error", message: "boom" } } };
    expect(readProviderFields(body)).toMatchObject({ code: "server_error", type: null, messages: ["boom"] });
  });

  it("prefers the envelope's error over a failed response's error", () => {
    const body = { error: { code: "outer" }, response: { error: { code: "inner" } } };
    expect(readProviderFields(body).code).toBe("outer");
  });

  it("reads a flat body itself when there is no error object, and an array `error` is no envelope", () => {
    expect(
      readProviderFields({ object: "error", type: "invalid_request", code: "bad", message: "m" }),
    ).toMatchObject({ code: "bad", type: "invalid_request", messages: ["m"] });
    expect(readProviderFields({ error: ["x"], code: "flat_code" }).code).toBe("flat_code");
  });

  it("gives empty fields for values that are not bodies", () => {
    for (const value of [undefined, null, 5, "text", []]) expect(readProviderFields(value)).toEqual(EMPTY);
  });
});

describe("readProviderFields: codes, types and statuses", () => {
  it("reads a three-digit code string as an HTTP status, and nothing longer or shorter", () => {
    expect(readProviderFields({ error: { code: "429" } })).toMatchObject({ code: null, httpCodes: [429] });
    expect(readProviderFields({ error: { code: "4290" } }).httpCodes).toEqual([]);
    expect(readProviderFields({ error: { code: "x429" } }).httpCodes).toEqual([]);
    expect(readProviderFields({ error: { code: "429x" } }).httpCodes).toEqual([]);
    // Number() would read each of these as 429; only the bare three digits count.
    for (const code of ["0429", " 429", "429 ", "429.0"])
      expect(readProviderFields({ error: { code } }).httpCodes, code).toEqual([]);
  });

  it("collects statuses from code, status and both statusCode fields, in that order", () => {
    const body = { statusCode: 502, error: { code: 429, status: 503, statusCode: 504 } };
    expect(readProviderFields(body).httpCodes).toEqual([429, 503, 502, 504]);
  });

  it("keeps a string code that is not all digits, and drops empty and all-digit ones", () => {
    expect(readProviderFields({ error: { code: "e42" } }).code).toBe("e42");
    expect(readProviderFields({ error: { code: "42e" } }).code).toBe("42e");
    expect(readProviderFields({ error: { code: "12345" } }).code).toBeNull();
    expect(readProviderFields({ error: { code: "" } }).code).toBeNull();
  });

  it("never reports the envelope word 'error' or an empty string as the type", () => {
    expect(readProviderFields({ type: "error", error: { type: "overloaded_error" } }).type).toBe(
      "overloaded_error",
    );
    expect(readProviderFields({ type: "error", message: "flat" }).type).toBeNull();
    expect(readProviderFields({ error: { type: "" } }).type).toBeNull();
  });

  it("reads a non-empty status string, never an empty one", () => {
    expect(readProviderFields({ error: { status: "UNAVAILABLE" } }).status).toBe("UNAVAILABLE");
    expect(readProviderFields({ error: { status: "" } }).status).toBeNull();
  });
});

describe("readProviderFields: messages", () => {
  it("reads the inner message, a string error and the body's own message, without duplicates or empties", () => {
    expect(readProviderFields({ error: { message: "inner" }, message: "outer" }).messages).toEqual([
      "inner",
      "outer",
    ]);
    // A string `error` is no envelope: the body is its own inner object, so its message comes first.
    expect(readProviderFields({ error: "plain error text", message: "outer" }).messages).toEqual([
      "outer",
      "plain error text",
    ]);
    expect(readProviderFields({ error: "plain error text" }).messages).toEqual(["plain error text"]);
    expect(readProviderFields({ error: { message: "same" }, message: "same" }).messages).toEqual(["same"]);
    expect(readProviderFields({ error: { message: "" } }).messages).toEqual([]);
  });
});

describe("readProviderFields: detail codes and quota ids", () => {
  it("reads Anthropic details.error_code, Gemini ErrorInfo reasons, Azure innererror.code and failureReason", () => {
    expect(
      readProviderFields({ error: { details: { error_code: "enforced_spend_limit_reached" } } }).detailCodes,
    ).toEqual(["enforced_spend_limit_reached"]);
    expect(
      readProviderFields({ error: { details: [{ reason: "RATE_LIMIT_EXCEEDED" }, { reason: "" }, {}] } })
        .detailCodes,
    ).toEqual(["RATE_LIMIT_EXCEEDED"]);
    expect(
      readProviderFields({ error: { innererror: { code: "ResponsibleAIPolicyViolation" } } }).detailCodes,
    ).toEqual(["ResponsibleAIPolicyViolation"]);
    expect(readProviderFields({ failureReason: "context-length-exceeded" }).detailCodes).toEqual([
      "context-length-exceeded",
    ]);
  });

  it("reads Gemini QuotaFailure quota ids that are strings", () => {
    const body = {
      error: {
        details: [
          { violations: [{ quotaId: "PerDay" }, { quotaId: 7 }] },
          { violations: [{ quotaId: "PerMinute" }] },
        ],
      },
    };
    expect(readProviderFields(body).quotaIds).toEqual(["PerDay", "PerMinute"]);
  });
});

describe("readProviderFields: OpenRouter moderation", () => {
  it("is moderation when metadata carries reasons or a flagged input", () => {
    expect(readProviderFields({ error: { metadata: { reasons: ["violence"] } } }).moderation).toBe(true);
    expect(readProviderFields({ error: { metadata: { flagged_input: "text" } } }).moderation).toBe(true);
  });

  it("is not moderation for empty reasons, an empty flagged input, or metadata that is no object", () => {
    expect(readProviderFields({ error: { metadata: { reasons: [], flagged_input: "" } } }).moderation).toBe(
      false,
    );
    expect(readProviderFields({ error: { metadata: { reasons: "violence" } } }).moderation).toBe(false);
    expect(readProviderFields({ error: { metadata: "reasons" } }).moderation).toBe(false);
    expect(readProviderFields({ error: { metadata: { provider_name: "x" } } }).moderation).toBe(false);
  });
});

describe("isFilterFinishReason", () => {
  it("recognises content-filter stops in any case and nothing else", () => {
    expect(isFilterFinishReason("SAFETY")).toBe(true);
    expect(isFilterFinishReason("content-filter")).toBe(true);
    expect(isFilterFinishReason("length")).toBe(false);
  });
});

describe("readFinishReasons", () => {
  it("reads the AI SDK finishReason as a string or as {unified, raw}", () => {
    expect(readFinishReasons({ finishReason: "content-filter" })).toEqual(["content-filter"]);
    expect(readFinishReasons({ finishReason: { unified: "content-filter", raw: "SAFETY" } })).toEqual([
      "SAFETY",
      "content-filter",
    ]);
  });

  it("reads raw finish_reason, stop_reason and Anthropic's delta.stop_reason", () => {
    expect(
      readFinishReasons({
        finish_reason: "length",
        stop_reason: "refusal",
        delta: { stop_reason: "max_tokens" },
      }),
    ).toEqual(["length", "refusal", "max_tokens"]);
  });

  it("reads the first choice's and the first candidate's finish reason only", () => {
    expect(
      readFinishReasons({
        choices: [{ finish_reason: "content_filter" }, { finish_reason: "stop" }],
        candidates: [{ finishReason: "SAFETY" }, { finishReason: "STOP" }],
      }),
    ).toEqual(["content_filter", "SAFETY"]);
  });

  it("reads Responses incomplete_details at the top and inside response", () => {
    expect(readFinishReasons({ incomplete_details: { reason: "content_filter" } })).toEqual([
      "content_filter",
    ]);
    expect(readFinishReasons({ response: { incomplete_details: { reason: "max_output_tokens" } } })).toEqual([
      "max_output_tokens",
    ]);
  });

  it("reports Gemini block reasons, also inside provider metadata, except the unspecified one", () => {
    expect(readFinishReasons({ promptFeedback: { blockReason: "SAFETY" } })).toEqual(["blockReason:SAFETY"]);
    expect(
      readFinishReasons({ providerMetadata: { google: { promptFeedback: { blockReason: "OTHER" } } } }),
    ).toEqual(["blockReason:OTHER"]);
    expect(readFinishReasons({ promptFeedback: { blockReason: "BLOCK_REASON_UNSPECIFIED" } })).toEqual([]);
  });

  it("skips empty and non-string reasons", () => {
    expect(readFinishReasons({ finishReason: "", finish_reason: 3, stop_reason: null })).toEqual([]);
    expect(readFinishReasons("finishReason")).toEqual([]);
  });
});
