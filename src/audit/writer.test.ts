import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { AuditEventSchema, type AuditEventBody } from "./events.ts";
import { MemoryAuditSink } from "./memory-sink.ts";
import { AuditWriter, requestMembers } from "./writer.ts";

const A = "openai/gpt-a" as ModelId;
const B = "anthropic/claude-b" as ModelId;
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

const request: AuditEventBody = {
  event: "fallback_request",
  request_id: "req-1",
  agent: "build",
  chain: [A, B],
  primary: A,
};
const failure: AuditEventBody = {
  // Keys deliberately out of schema order: the writer must not care.
  latency_ms: 12,
  action: "retry",
  agent: "build",
  event: "fallback_failure",
  request_id: "req-1",
  model: A,
  attempt: 1,
  model_attempt: 1,
  error_type: "ProviderRateLimit",
  reason: "rate_limit",
  status: 429,
  retry_after_ms: null,
  delay_ms: 2000,
};

function setup(options: { validate?: boolean } = {}) {
  const clock = new ManualClock(START);
  const sink = new MemoryAuditSink();
  return { clock, sink, writer: new AuditWriter(sink, clock, options) };
}

describe("AuditWriter", () => {
  it("numbers lines 1, 2, 3 without gaps and reports the last seq", () => {
    const { sink, writer } = setup();
    expect(writer.lastSeq).toBe(0);
    writer.write(request);
    writer.write(request);
    writer.write(request);
    expect(sink.events().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(writer.lastSeq).toBe(3);
  });

  it("stamps v 1 and an ISO-8601 UTC timestamp with milliseconds from the clock", () => {
    const { clock, sink, writer } = setup();
    clock.advance(7);
    const stamped = writer.write(request);
    expect(stamped.v).toBe(1);
    expect(stamped.ts).toBe("2026-01-01T12:00:00.007Z");
    expect(sink.events()[0]?.ts).toBe("2026-01-01T12:00:00.007Z");
  });

  it("never lets ts go backwards when the clock steps back", () => {
    let now = START + 500;
    const writer = new AuditWriter(new MemoryAuditSink(), { now: () => now, sleep: () => Promise.resolve() });
    const first = writer.write(request);
    now = START;
    const second = writer.write(request);
    now = START + 900;
    const third = writer.write(request);
    expect([first.ts, second.ts, third.ts]).toEqual([
      "2026-01-01T12:00:00.500Z",
      "2026-01-01T12:00:00.500Z",
      "2026-01-01T12:00:00.900Z",
    ]);
  });

  it("writes the common keys first, then the event's fields in schema order, then x_ extensions", () => {
    const { sink, writer } = setup();
    writer.write({ x_trace: "t1", ...failure });
    const keys = Object.keys(JSON.parse(sink.lines[0] ?? "{}") as object);
    expect(keys).toEqual([
      "v",
      "seq",
      "ts",
      "event",
      "request_id",
      "agent",
      "model",
      "attempt",
      "model_attempt",
      "error_type",
      "reason",
      "status",
      "retry_after_ms",
      "action",
      "delay_ms",
      "latency_ms",
      "x_trace",
    ]);
  });

  it("appends each event as exactly one line ending in a newline, and the line passes the schema", () => {
    const { sink, writer } = setup();
    writer.write(request);
    writer.write(failure);
    expect(sink.lines).toHaveLength(2);
    for (const line of sink.lines) {
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1)).not.toContain("\n");
      expect(AuditEventSchema.safeParse(JSON.parse(line)).success).toBe(true);
    }
    expect(sink.text()).toBe(sink.lines.join(""));
  });

  it("gives the same bytes for the same events on the same clock", () => {
    const one = setup();
    const two = setup();
    for (const { writer, clock } of [one, two]) {
      writer.write(request);
      clock.advance(1234);
      writer.write(failure);
    }
    expect(one.sink.text()).toBe(two.sink.text());
  });

  it("throws a message naming the bad field when validation is on", () => {
    const { sink, writer } = setup({ validate: true });
    const missingStatus = { ...failure } as Record<string, unknown>;
    delete missingStatus.status;
    expect(() => writer.write(missingStatus as AuditEventBody)).toThrow(
      /field "status" of "fallback_failure"/,
    );
    expect(() => writer.write({ ...request, surprise: 1 })).toThrow(/field "surprise"/);
    // A rejected line consumes no seq, so the log stays gapless.
    expect(sink.lines).toHaveLength(0);
    expect(writer.write(request).seq).toBe(1);
  });

  it("writes an invalid event unchecked when validation is off", () => {
    const { sink, writer } = setup();
    writer.write({ ...request, surprise: 1 });
    expect(sink.events()[0]).toMatchObject({ surprise: 1 });
  });

  it("keeps serving when the sink throws and reports the failure once", () => {
    const onSinkError = vi.fn();
    const sink = {
      append: vi.fn(() => {
        throw new Error("disk gone");
      }),
    };
    const writer = new AuditWriter(sink, new ManualClock(START), { onSinkError });
    expect(() => writer.write(request)).not.toThrow();
    expect(() => writer.write(request)).not.toThrow();
    expect(sink.append).toHaveBeenCalledTimes(2);
    expect(onSinkError).toHaveBeenCalledTimes(1);
    expect(onSinkError).toHaveBeenCalledWith(expect.objectContaining({ message: "disk gone" }));
  });

  it("names a nested field without quoting the whole value, and quotes a top-level value", () => {
    const { writer } = setup({ validate: true });
    const fix =
      "Fix the event the engine builds (SPEC §8: every field present, null when it does not apply).";
    expect(() => writer.write({ ...request, chain: ["not-a-model"] })).toThrow(
      new TypeError(
        `Failed to write the audit line: field "chain.0" of "fallback_request" is invalid: expected a model id of the form provider/model. ${fix}`,
      ),
    );
    expect(() => writer.write({ ...request, primary: 5 })).toThrow(
      new TypeError(
        `Failed to write the audit line: field "primary" of "fallback_request" is invalid: Invalid input: expected string, received number (got 5). ${fix}`,
      ),
    );
  });

  it("says a missing field was undefined, and names an event without a name as such", () => {
    const { writer } = setup({ validate: true });
    const { primary: _primary, ...withoutPrimary } = request as Record<string, unknown>;
    expect(() => writer.write(withoutPrimary)).toThrow(
      /field "primary" of "fallback_request" is invalid: .*\(got undefined\)\./,
    );
    const { event: _event, ...nameless } = request as Record<string, unknown>;
    expect(() => writer.write(nameless)).toThrow(/field "event" of an event without a name is invalid/);
  });

  it("returns the event with exactly the body's fields and its own stamps, which a body cannot override", () => {
    const { writer } = setup();
    const stamped = writer.write({ ...request, seq: 99, ts: "yesterday", v: 7 });
    expect(Object.keys(stamped)).toEqual([
      "v",
      "seq",
      "ts",
      "event",
      "request_id",
      "agent",
      "chain",
      "primary",
    ]);
    expect(stamped).toMatchObject({ v: 1, seq: 1, ts: new Date(START).toISOString() });
    const { primary: _primary, ...withoutPrimary } = request as Record<string, unknown>;
    expect(Object.keys(writer.write(withoutPrimary))).not.toContain("primary");
  });

  it("reports a failing sink on stderr by default, once", () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const writer = new AuditWriter(
        {
          append: () => {
            throw new Error("disk gone");
          },
        },
        new ManualClock(START),
      );
      writer.write(request);
      writer.write(request);
      expect(printed.mock.calls).toEqual([
        ["Failed to write the audit log: disk gone. Requests keep being served; fix the audit sink."],
      ]);
      const other = new AuditWriter(
        {
          append: () => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- a sink may throw anything, not only Errors
            throw "quota";
          },
        },
        new ManualClock(START),
      );
      other.write(request);
      expect(printed.mock.calls.at(-1)).toEqual([
        "Failed to write the audit log: quota. Requests keep being served; fix the audit sink.",
      ]);
    } finally {
      printed.mockRestore();
    }
  });
});

describe("AuditWriter.writeEvent (the engine's hot path)", () => {
  const requestFields = { chain: [A, B], primary: A };
  const failureFields = {
    model: A,
    attempt: 1,
    model_attempt: 1,
    error_type: "ProviderRateLimit",
    reason: "rate_limit",
    status: 429,
    retry_after_ms: null,
    action: "retry",
    delay_ms: 2000,
    latency_ms: 12,
  };

  it("writes the same bytes as write, seq and ts included, across lines and a clock step", () => {
    const slow = setup();
    const fast = setup();
    const members = requestMembers("req-1", "build");
    slow.writer.write(request);
    fast.writer.writeEvent("fallback_request", members, requestFields);
    slow.clock.advance(7);
    fast.clock.advance(7);
    slow.writer.write(failure);
    fast.writer.writeEvent("fallback_failure", members, failureFields);
    expect(fast.sink.text()).toBe(slow.sink.text());
    expect(fast.writer.lastSeq).toBe(2);
  });

  it("leaves out an undefined agent exactly as write does", () => {
    const slow = setup();
    const fast = setup();
    slow.writer.write({ ...request, agent: undefined as unknown as string });
    fast.writer.writeEvent(
      "fallback_request",
      requestMembers("req-1", undefined as unknown as string),
      requestFields,
    );
    expect(fast.sink.text()).toBe(slow.sink.text());
  });

  it("with validation on, refuses fields out of schema order and names the expected order", () => {
    const { writer, sink } = setup({ validate: true });
    const { model, ...rest } = failureFields;
    expect(() =>
      writer.writeEvent("fallback_failure", requestMembers("req-1", "build"), { ...rest, model }),
    ).toThrow(/not v, seq, ts, event, request_id, agent, model, attempt/);
    expect(sink.lines).toEqual([]);
  });

  it("with validation on, refuses a field the schema does not allow", () => {
    const { writer } = setup({ validate: true });
    expect(() =>
      writer.writeEvent("fallback_request", requestMembers("req-1", "build"), { ...requestFields, oops: 1 }),
    ).toThrow(/field "oops"/);
  });
});
