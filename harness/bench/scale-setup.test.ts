import { describe, expect, it } from "vitest";
import { countLostLines } from "./scale-setup.ts";

/** One audit line with just the fields the count reads. */
function line(seq: number, event: string, requestId: string): string {
  return JSON.stringify({ v: 1, seq, event, request_id: requestId });
}

/** A request's whole trail: its start, one attempt, its terminal line. */
function served(firstSeq: number, requestId: string, terminal = "fallback_success"): string[] {
  return [
    line(firstSeq, "fallback_request", requestId),
    line(firstSeq + 1, "fallback_attempt", requestId),
    line(firstSeq + 2, terminal, requestId),
  ];
}

describe("countLostLines", () => {
  it("counts nothing lost in a complete log, whatever each request's end", () => {
    const text = [...served(1, "a"), ...served(4, "b", "fallback_exhausted")].join("\n") + "\n";

    expect(countLostLines(text, 2)).toEqual({ lines: 6, lost: 0 });
  });

  it("counts a request whose terminal line is missing, and the seq gap it leaves", () => {
    const [start, attempt] = served(1, "a");
    const text = [start, attempt, ...served(4, "b")].join("\n");

    // "a" has no end (1), and seq jumps from 2 to 4 (1).
    expect(countLostLines(text, 2)).toEqual({ lines: 5, lost: 2 });
  });

  it("counts a settled request that wrote no line at all", () => {
    expect(countLostLines(served(1, "a").join("\n"), 2).lost).toBe(1);
  });

  it("counts a line written half as a problem, not as a crash", () => {
    const [start, attempt, end] = served(1, "a");
    const text = [start, attempt, (end ?? "").slice(0, 20), ...served(4, "b")].join("\n");

    // The torn line (1), the seq it leaves unread (the next line's 4 where 3 was due: 1), "a" without its end (1).
    expect(countLostLines(text, 2)).toEqual({ lines: 6, lost: 3 });
  });

  it("counts a repeated seq and a request started twice", () => {
    const text = [...served(1, "a"), line(3, "fallback_request", "a")].join("\n");

    // seq 3 repeats (1); "a" has two starts (1).
    expect(countLostLines(text, 1)).toEqual({ lines: 4, lost: 2 });
  });
});
