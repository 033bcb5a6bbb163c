import { describe, expect, it } from "vitest";
import { MemoryAuditSink } from "./memory-sink.ts";

describe("MemoryAuditSink", () => {
  it("keeps lines as written, parses them as events and joins them as file text", () => {
    const sink = new MemoryAuditSink();
    sink.append('{"v":1,"seq":1,"event":"fallback_request"}\n');
    sink.append('{"v":1,"seq":2,"event":"fallback_exhausted"}\n');
    expect(sink.lines).toEqual([
      '{"v":1,"seq":1,"event":"fallback_request"}\n',
      '{"v":1,"seq":2,"event":"fallback_exhausted"}\n',
    ]);
    expect(sink.events().map((e) => [e.seq, e.event])).toEqual([
      [1, "fallback_request"],
      [2, "fallback_exhausted"],
    ]);
    expect(sink.text()).toBe(
      '{"v":1,"seq":1,"event":"fallback_request"}\n{"v":1,"seq":2,"event":"fallback_exhausted"}\n',
    );
  });
});
