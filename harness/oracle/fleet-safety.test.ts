import { describe, expect, it } from "vitest";
import type { Check } from "../runner/checks.ts";
import type { FleetCall, RequestRecord } from "../runner/records.ts";
import type { RetryAfterForms } from "./ground-truth-retry-after.ts";
import {
  fleetAttempts,
  fleetSafetyChecks,
  fleetServedModel,
  firstSuccessAfter,
  type FleetSafetyInput,
} from "./fleet-safety.ts";

const START = 1_000_000;
const A = "openai/gpt-4o";
const B = "anthropic/claude-haiku-4-5";
// The oracle restates the canonical answers as data: it must not depend on how the fleet makes them.
const ANSWERS = { [A]: "The answer. [openai/gpt-4o]", [B]: "The answer. [anthropic/claude-haiku-4-5]" };
const NO_RA: RetryAfterForms = { ms_header: null, header: null, retry_info: null, text: null };

function request(index: number, fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    index,
    label: undefined,
    agent: "build",
    sentAt: 0,
    endedAt: 100,
    outcome: "success",
    model: A,
    text: ANSWERS[A],
    attempts: 1,
    error: null,
    shown: null,
    cancelled: false,
    ...fields,
  };
}

let seq = 0;
function call(fields: Partial<FleetCall> & { at: number }): FleetCall {
  seq += 1;
  return {
    id: `req_fleet_${seq}`,
    provider: "openai",
    model: A,
    status: 200,
    outcome: "ok",
    retry_after: NO_RA,
    ended_at: fields.at,
    request: 0,
    answer: ANSWERS[A],
    ...fields,
    at: START + fields.at,
  };
}

/** A call as a fleet that records no answer texts gives it. */
function noAnswers(c: FleetCall): FleetCall {
  const { answer: _dropped, ...rest } = c;
  return rest;
}

function checks(input: Partial<FleetSafetyInput>): Record<string, Check["outcome"]> {
  const all = fleetSafetyChecks({ requests: [], calls: [], startMs: START, answers: ANSWERS, ...input });
  for (const c of all) expect(c.tier).toBe("safety");
  return Object.fromEntries(all.map((c) => [c.id, c.outcome]));
}

describe("safety.served-model", () => {
  it("passes when the reported model wrote the returned text", () => {
    const outcome = checks({ requests: [request(0)], calls: [call({ at: 10 })] });
    expect(outcome["safety.served-model"]).toEqual({ kind: "pass" });
  });

  it("fails when the text is another model's answer, naming both", () => {
    const outcome = checks({
      requests: [request(0, { model: A, text: ANSWERS[B] })],
      calls: [call({ at: 10, status: 500, answer: null }), call({ at: 20, model: B, answer: ANSWERS[B] })],
    });
    expect(outcome["safety.served-model"]).toEqual({
      kind: "fail",
      message: `request #0 reports ${A} but returned the answer of ${B}`,
    });
  });

  it("tells the model from canonical answers alone when the calls carry no marker", () => {
    const outcome = checks({
      requests: [request(0, { model: A, text: ANSWERS[B] })],
      calls: [call({ at: 10, model: B, request: null, answer: null })],
    });
    expect(outcome["safety.served-model"]?.kind).toBe("fail");
  });

  it("uses the per-call answers in faker mode", () => {
    const calls = [
      call({ at: 10, answer: "Lorem ipsum." }),
      call({ at: 20, model: B, answer: "Dolor sit." }),
    ];
    expect(
      checks({ answers: {}, requests: [request(0, { model: B, text: "Dolor sit." })], calls })[
        "safety.served-model"
      ],
    ).toEqual({ kind: "pass" });
    expect(
      checks({ answers: {}, requests: [request(0, { model: A, text: "Dolor sit." })], calls })[
        "safety.served-model"
      ]?.kind,
    ).toBe("fail");
  });

  it("is not checked when the fleet records no answers", () => {
    const outcome = checks({
      answers: {},
      requests: [request(0, { text: "whatever" })],
      calls: [noAnswers(call({ at: 10 }))],
    });
    expect(outcome["safety.served-model"]?.kind).toBe("not-checked");
  });
});

describe("safety.truncated-success", () => {
  it("passes a whole answer", () => {
    expect(checks({ requests: [request(0)], calls: [call({ at: 10 })] })["safety.truncated-success"]).toEqual(
      {
        kind: "pass",
      },
    );
  });

  it("fails an empty text as an empty success, saying the fleet sent no answer", () => {
    const blocked = call({ at: 10, status: 200, outcome: "content_filter", answer: null });
    const outcome = checks({ requests: [request(0, { text: "" })], calls: [blocked] });
    expect(outcome["safety.truncated-success"]).toEqual({
      kind: "fail",
      message: "request #0 succeeded with an empty text: an empty success (the fleet sent it no answer)",
    });
  });

  it("fails a prefix of the answer as truncated", () => {
    const outcome = checks({ requests: [request(0, { text: "The answer." })], calls: [call({ at: 10 })] });
    expect(outcome["safety.truncated-success"]).toEqual({
      kind: "fail",
      message: `request #0 succeeded with 11 of the ${ANSWERS[A].length} characters of ${A}'s answer: a truncated success`,
    });
  });

  it("calls a longer text holding the answer duplicated, not truncated", () => {
    const text = `The answer. ${ANSWERS[A]}`;
    const outcome = checks({ requests: [request(0, { text })], calls: [call({ at: 10 })] });
    expect(outcome["safety.truncated-success"]?.kind).toBe("fail");
    const message =
      outcome["safety.truncated-success"]?.kind === "fail" ? outcome["safety.truncated-success"].message : "";
    expect(message).toContain("duplicated");
    expect(message).not.toContain("truncated");
  });

  it("catches a truncated faker answer through the request's marker", () => {
    const calls = [call({ at: 10, answer: "Lorem ipsum dolor sit amet." })];
    const outcome = checks({ answers: {}, requests: [request(0, { text: "Lorem ipsum" })], calls });
    expect(outcome["safety.truncated-success"]?.kind).toBe("fail");
  });

  it("fails a text the fleet never sent when every call is attributed", () => {
    const calls = [call({ at: 10, answer: "Lorem ipsum." })];
    const outcome = checks({ answers: {}, requests: [request(0, { text: "Made up." })], calls });
    expect(outcome["safety.truncated-success"]).toEqual({
      kind: "fail",
      message: "request #0 succeeded with a text of 8 characters that is no answer the fleet sent to it",
    });
  });

  it("is not checked for a faker text when the calls carry no marker", () => {
    const calls = [call({ at: 10, request: null, answer: "Lorem ipsum dolor." })];
    const outcome = checks({ answers: {}, requests: [request(0, { text: "Lorem" })], calls });
    expect(outcome["safety.truncated-success"]?.kind).toBe("not-checked");
  });

  it("ignores requests that did not succeed", () => {
    const outcome = checks({
      requests: [request(0, { outcome: "error", text: null, model: null })],
      calls: [call({ at: 10, status: 500, answer: null })],
    });
    expect(outcome["safety.truncated-success"]).toEqual({ kind: "pass" });
    expect(outcome["safety.served-model"]).toEqual({ kind: "pass" });
  });
});

describe("safety.no-call-after-end", () => {
  it("passes calls up to the instant the request ended", () => {
    const outcome = checks({ requests: [request(0)], calls: [call({ at: 10 }), call({ at: 100 })] });
    expect(outcome["safety.no-call-after-end"]).toEqual({ kind: "pass" });
  });

  it("fails a call for the request after it was answered, in scenario milliseconds", () => {
    const outcome = checks({ requests: [request(0)], calls: [call({ at: 10 }), call({ at: 5_000 })] });
    expect(outcome["safety.no-call-after-end"]).toEqual({
      kind: "fail",
      message: `request #0 was answered at 100 ms but ${A} was called for it at 5000 ms (1 call(s) after it ended)`,
    });
  });

  it("counts from the caller's abort, not from when the engine settled", () => {
    const aborted = request(0, {
      outcome: "error",
      text: null,
      cancelled: true,
      abortedAt: 50,
      endedAt: 400,
    });
    const outcome = checks({ requests: [aborted], calls: [call({ at: 10 }), call({ at: 200 })] });
    expect(outcome["safety.no-call-after-end"]?.kind).toBe("fail");
  });

  it("allows a transport's latency when told to", () => {
    const input = { requests: [request(0)], calls: [call({ at: 103 })] };
    expect(checks(input)["safety.no-call-after-end"]?.kind).toBe("fail");
    expect(checks({ ...input, lateToleranceMs: 5 })["safety.no-call-after-end"]?.kind).toBe("pass");
  });

  it("is not checked when calls carry no marker", () => {
    const outcome = checks({ requests: [request(0)], calls: [call({ at: 10, request: null })] });
    expect(outcome["safety.no-call-after-end"]).toEqual({
      kind: "not-checked",
      reason:
        "needs fleet attribution: 1 of 1 provider call(s) carry no request marker (the engine dropped or rewrote the prompt's tail)",
    });
  });
});

describe("safety.retry-after-respected", () => {
  const limited = (at: number, retry_after: Partial<RetryAfterForms>): FleetCall =>
    call({ at, status: 429, outcome: "error", answer: null, retry_after: { ...NO_RA, ...retry_after } });

  it("fails a call to the same model inside retry-after-ms", () => {
    const outcome = checks({
      requests: [request(0, { endedAt: 5_000 })],
      calls: [limited(0, { ms_header: "1000" }), call({ at: 500 })],
    });
    expect(outcome["safety.retry-after-respected"]?.kind).toBe("fail");
  });

  it("passes a call once the wait has passed, and another model at once", () => {
    const outcome = checks({
      requests: [request(0, { endedAt: 5_000 })],
      calls: [
        limited(0, { header: "1" }),
        call({ at: 5, model: B, answer: null, status: 500 }),
        call({ at: 1_000 }),
      ],
    });
    expect(outcome["safety.retry-after-respected"]).toEqual({ kind: "pass" });
  });

  it("reads every form the fleet records: an HTTP date, RetryInfo, a message phrase", () => {
    const date = new Date(START + 2_000).toUTCString();
    const forms: Partial<RetryAfterForms>[] = [
      { header: date },
      { retry_info: "2s" },
      { text: "Please try again in 2s." },
    ];
    for (const form of forms) {
      const outcome = checks({
        requests: [request(0, { endedAt: 5_000 })],
        calls: [limited(0, form), call({ at: 1_500 })],
      });
      expect(outcome["safety.retry-after-respected"]?.kind, JSON.stringify(form)).toBe("fail");
    }
  });

  it("does not hold one request to another request's Retry-After", () => {
    const outcome = checks({
      requests: [request(0, { endedAt: 5_000 }), request(1, { endedAt: 5_000 })],
      calls: [limited(0, { ms_header: "1000" }), call({ at: 500, request: 1 })],
    });
    expect(outcome["safety.retry-after-respected"]).toEqual({ kind: "pass" });
  });
});

describe("fleet facts", () => {
  it("counts calls per request, or nothing when one call is not attributable", () => {
    expect(fleetAttempts([call({ at: 1 }), call({ at: 2 }), call({ at: 3, request: 1 })], 2)).toEqual(
      new Map([
        [0, 2],
        [1, 1],
      ]),
    );
    expect(fleetAttempts([call({ at: 1 }), call({ at: 2, request: null })], 2)).toBeNull();
    expect(fleetAttempts([call({ at: 1, request: 7 })], 2)).toBeNull();
  });

  it("names the model that answered a request from its text", () => {
    expect(fleetServedModel(request(0, { text: ANSWERS[B] }), [], ANSWERS)).toBe(B);
    expect(fleetServedModel(request(0, { text: "cut" }), [], ANSWERS)).toBeNull();
    expect(fleetServedModel(request(0, { outcome: "error" }), [], ANSWERS)).toBeNull();
  });

  it("finds the first whole answer of a model after a time", () => {
    const calls = [call({ at: 10 }), call({ at: 200, outcome: "error" }), call({ at: 300 })];
    expect(firstSuccessAfter(calls, A, START + 100)?.at).toBe(START + 300);
    expect(firstSuccessAfter(calls, B, START)).toBeNull();
  });
});
