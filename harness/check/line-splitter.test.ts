import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter, type LogLine } from "./line-splitter.ts";

/**
 * Splits `bytes` fed in pieces cut at `cuts`, as the file reader would: each piece in the same buffer,
 * scribbled over once pushed, since the reader reuses its buffer for the next chunk.
 */
function split(
  bytes: Buffer,
  cuts: readonly number[],
  max = 1024,
): { lines: LogLine[]; endedWithNewline: boolean } {
  const splitter = new LineSplitter(max);
  const lines: LogLine[] = [];
  const scratch = Buffer.alloc(bytes.length);
  const push = (piece: Buffer): void => {
    piece.copy(scratch);
    splitter.push(scratch.subarray(0, piece.length), lines);
    scratch.fill(0x78);
  };
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    push(bytes.subarray(from, cut));
    from = cut;
  }
  push(bytes.subarray(from));
  splitter.end(lines);
  return { lines, endedWithNewline: splitter.endedWithNewline };
}

describe("LineSplitter", () => {
  it("gives the lines of `text.split('\\n')` however the bytes are chunked (UTF-8 split mid-character included)", () => {
    const line = fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ""));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, terminated, rawCuts) => {
          const text = lines.join("\n") + (terminated && lines.length > 0 ? "\n" : "");
          const bytes = Buffer.from(text, "utf8");
          const cuts = rawCuts.map((cut) => (bytes.length === 0 ? 0 : cut % bytes.length));
          // As readline had it: a newline ends a line, so the empty text after the last one is no line.
          const expected = text.split("\n");
          if (expected.at(-1) === "") expected.pop();
          expect(split(bytes, cuts).lines).toEqual(expected);
        },
      ),
      { seed: 42, numRuns: 400 },
    );
  });

  it("drops the \\r of a CRLF ending, also when the \\n arrives in the next chunk", () => {
    const bytes = Buffer.from('{"a":1}\r\n{"b":2}\r\n');
    expect(split(bytes, [8]).lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(split(bytes, []).lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("reports a line over the limit with its length instead of its text, in one chunk or many", () => {
    const long = "x".repeat(5000);
    const bytes = Buffer.from(`short\n${long}\nafter\n`);
    const overlong = { kind: "overlong", bytes: 5000, limit: 1024 };
    expect(split(bytes, []).lines).toEqual(["short", overlong, "after"]);
    expect(split(bytes, [3, 100, 1500, 2000, 5004]).lines).toEqual(["short", overlong, "after"]);
    // A line of exactly the limit is read.
    expect(split(Buffer.from(`${"y".repeat(1024)}\n`), [512]).lines).toEqual(["y".repeat(1024)]);
  });

  it("reports an over-long last line that has no newline", () => {
    const result = split(Buffer.from(`ok\n${"z".repeat(3000)}`), [1000, 2000]);
    expect(result.lines).toEqual(["ok", { kind: "overlong", bytes: 3000, limit: 1024 }]);
    expect(result.endedWithNewline).toBe(false);
  });

  it("holds no more than the limit while skipping a line of any length", () => {
    const splitter = new LineSplitter(1024);
    const out: LogLine[] = [];
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    // 64 MiB of one line, pushed chunk by chunk: nothing comes out until its newline.
    for (let i = 0; i < 1024; i++) splitter.push(chunk, out);
    expect(out).toEqual([]);
    splitter.push(Buffer.from("\nnext\n"), out);
    expect(out).toEqual([{ kind: "overlong", bytes: 64 * 1024 * 1024, limit: 1024 }, "next"]);
  });

  it("says whether the stream ended with a newline, and refuses a bound that is not a positive integer", () => {
    expect(split(Buffer.from("a\n"), []).endedWithNewline).toBe(true);
    expect(split(Buffer.from("a"), []).endedWithNewline).toBe(false);
    expect(() => new LineSplitter(0)).toThrow(/maxLineBytes must be a positive integer/);
  });
});
