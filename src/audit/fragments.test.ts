import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { attemptTail, jsonNumber, modelJson, requestTail, successTail } from "./fragments.ts";
import { MemoryAuditSink } from "./memory-sink.ts";
import { AuditWriter, requestMembers } from "./writer.ts";

const A = "openai/gpt-a" as ModelId;
// A model id with characters JSON must escape: a pre-serialised piece must escape them exactly as stringify.
const ODD = 'acme/"quoted"\\model\u2028é' as ModelId;

/** What `writeEvent` appends after the members for these fields: the reference the tails must match. */
function stringified(fields: object): string {
  return `,${JSON.stringify(fields).slice(1)}`;
}

describe("success-path audit tails", () => {
  it("are the bytes of JSON.stringify of the fields in schema order", () => {
    for (const model of [A, ODD]) {
      expect(requestTail([model, A], model)).toBe(stringified({ chain: [model, A], primary: model }));
      expect(attemptTail(model, 3, 2)).toBe(stringified({ model, attempt: 3, model_attempt: 2 }));
      for (const fallback of [true, false])
        expect(successTail(model, 2, 1234, fallback)).toBe(
          stringified({ model, attempt: 2, latency_ms: 1234, fallback }),
        );
    }
  });

  it("write numbers as JSON.stringify does, null for a non-finite one", () => {
    for (const n of [0, -0, 7, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY])
      expect(jsonNumber(n)).toBe(JSON.stringify(n));
  });

  it("serialise a model the same way on every call (the cache hands back the same string)", () => {
    expect(modelJson(ODD)).toBe(JSON.stringify(ODD));
    expect(modelJson(ODD)).toBe(JSON.stringify(ODD));
  });

  it("give the same line as writeEvent, and pass the validating writer's schema and key-order check", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const viaTail = new MemoryAuditSink();
    const viaFields = new MemoryAuditSink();
    const tailWriter = new AuditWriter(viaTail, clock, { validate: true });
    const fieldWriter = new AuditWriter(viaFields, clock, { validate: true });
    const members = requestMembers("req-000001", "build");
    tailWriter.writeTail("fallback_request", members, requestTail([A], A));
    tailWriter.writeTail("fallback_attempt", members, attemptTail(A, 1, 1));
    tailWriter.writeTail("fallback_success", members, successTail(A, 1, 0, false));
    fieldWriter.writeEvent("fallback_request", members, { chain: [A], primary: A });
    fieldWriter.writeEvent("fallback_attempt", members, { model: A, attempt: 1, model_attempt: 1 });
    fieldWriter.writeEvent("fallback_success", members, {
      model: A,
      attempt: 1,
      latency_ms: 0,
      fallback: false,
    });
    expect(viaTail.text()).toBe(viaFields.text());
    expect(viaTail.lines).toHaveLength(3);
  });
});

describe("requestMembers", () => {
  it("gives the members of JSON.stringify({ request_id, agent }), escapes included", () => {
    for (const [id, agent] of [
      ["req-000001", "build"],
      ['req-"1"', 'a\\b\n"c"'],
      ["", ""],
    ] as const)
      expect(requestMembers(id, agent)).toBe(`,${JSON.stringify({ request_id: id, agent }).slice(1, -1)}`);
  });
});
