import { describe, expect, it } from "vitest";
import { formatIncidentProblems } from "./format-incident-problems.ts";
import type { IncidentReadSummary } from "./incident-line.ts";
import { readAll } from "./incident-test-kit.ts";

describe("formatIncidentProblems", () => {
  it("prints each problem as file:line: path: message, with what became of the line", async () => {
    const { summary } = await readAll(
      [
        {
          ts: "2025-01-01T12:00:00.000Z",
          requestID: "r",
          event: "fallback_attempt",
          model: "openai/gpt-4.1",
        },
        "{not json",
        { ts: "2025-01-01T12:00:00.000Z", requestID: "r", event: "fallback_heartbeat" },
        {
          ts: "2025-01-01T12:00:00.000Z",
          requestID: "r",
          event: "fallback_attempt",
          model: "openai/gpt-4.1",
          attempt: "two",
        },
        {
          ts: "2025-01-01T11:00:00.000Z",
          requestID: "r",
          event: "fallback_success",
          model: "openai/gpt-4.1",
        },
      ],
      { file: "audit.jsonl", endedWithNewline: () => true },
    );
    expect(formatIncidentProblems(summary).split("\n")).toEqual([
      "audit.jsonl:2: $: the line is not JSON: {not json (line skipped)",
      'audit.jsonl:3: $.event: the event "fallback_heartbeat" is not one this reader knows (warning; line skipped)',
      'audit.jsonl:4: $.attempt: expected a positive integer, got "two" (line skipped)',
      "audit.jsonl:5: $.ts: the time 2025-01-01T11:00:00.000Z is earlier than line 1's 2025-01-01T12:00:00.000Z; the line is used with its own time (sort by ts if order matters) (warning)",
      "",
    ]);
  });

  it("says how many problems of each kind there were when it shows only the first", () => {
    const summary: IncidentReadSummary = {
      file: "big.jsonl",
      totalLines: 5000,
      usedLines: 10,
      format: "spec",
      problems: [
        {
          line: 0,
          severity: "error",
          kind: "not-json",
          path: "$",
          expected: "JSON",
          message: "the line is not JSON",
        },
      ],
      problemCounts: { "not-json": 4000, "unknown-event": 990 },
    };
    expect(formatIncidentProblems(summary)).toBe(
      "big.jsonl: $: the line is not JSON (line skipped)\n" +
        "big.jsonl: 4990 problems in all, the first 1 shown (not-json 4000, unknown-event 990).\n",
    );
  });

  it("prints nothing for a clean log", () => {
    const clean: IncidentReadSummary = {
      file: "ok.jsonl",
      totalLines: 1,
      usedLines: 1,
      format: "spec",
      problems: [],
      problemCounts: {},
    };
    expect(formatIncidentProblems(clean)).toBe("");
  });
});
