import { describe, expect, it } from "vitest";
import { AuditEventSchema } from "./events.ts";

const line = {
  v: 1,
  seq: 1,
  ts: "2026-01-01T00:00:00.000Z",
  event: "fallback_request",
  request_id: "req-1",
  agent: "build",
  chain: ["openai/gpt-a"],
  primary: "openai/gpt-a",
};

describe("AuditEventSchema: extension fields", () => {
  it("accepts fields that start with x_", () => {
    expect(AuditEventSchema.safeParse({ ...line, x_note: "kept" }).success).toBe(true);
  });

  it("names each unknown field, even one that only ends with x_", () => {
    const result = AuditEventSchema.safeParse({ ...line, surprise: 1, note_x_: 2 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path: ["surprise"], message: 'unknown field "surprise" (extensions must start with x_)' },
      { path: ["note_x_"], message: 'unknown field "note_x_" (extensions must start with x_)' },
    ]);
  });
});
