import { describe, it, expect } from "vitest";
import { formatProblems } from "./format-problems.ts";
import type { ConfigProblem } from "./parse-config.ts";

const unknownKey: ConfigProblem = {
  path: ["fallback", "max_retry"],
  pointer: "fallback.max_retry",
  message: 'unknown key "max_retry"; did you mean "max_retries"?',
  expected: "one of max_retries",
  received: '"max_retry"',
  suggestion: "max_retries",
  line: 12,
  column: 5,
};

const negative: ConfigProblem = {
  path: ["fallback", "circuit_breaker", "cooldown_ms"],
  pointer: "fallback.circuit_breaker.cooldown_ms",
  message: "expected a non-negative integer of milliseconds, received -5",
  expected: "a non-negative integer of milliseconds",
  received: "-5",
  line: 7,
  column: 21,
};

describe("formatProblems", () => {
  it("prints one file:line:column line per problem", () => {
    expect(formatProblems([unknownKey, negative], "opencode.json")).toBe(
      [
        'opencode.json:12:5 fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?',
        "opencode.json:7:21 fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
      ].join("\n"),
    );
  });

  it("starts with the position when no file is named", () => {
    expect(formatProblems([negative])).toBe(
      "7:21 fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
    );
  });

  it("leaves out a position the problem does not have", () => {
    const { line: _line, column: _column, ...unplaced } = negative;
    expect(formatProblems([unplaced], "opencode.json")).toBe(
      "opencode.json fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
    );
    expect(formatProblems([unplaced])).toBe(
      "fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
    );
  });

  it("prints a whole-file problem without a pointer", () => {
    const missing: ConfigProblem = {
      path: [],
      pointer: "",
      message: "cannot read the file (no such file); check the path or create an opencode.json",
      expected: "a readable opencode.json or opencode.jsonc file",
      received: "no such file",
    };
    expect(formatProblems([missing], "opencode.json")).toBe(
      "opencode.json: cannot read the file (no such file); check the path or create an opencode.json",
    );
    expect(
      formatProblems(
        [{ ...missing, message: "syntax error: expected a value", line: 3, column: 1 }],
        "a.json",
      ),
    ).toBe("a.json:3:1 syntax error: expected a value");
  });

  it("prints nothing for no problems", () => {
    expect(formatProblems([], "opencode.json")).toBe("");
  });
});

describe("formatProblems: partial locations", () => {
  it("treats an empty file name as no file", () => {
    expect(formatProblems([negative], "")).toBe(
      "7:21 fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
    );
  });

  it("prints a line without a column", () => {
    const { column: _column, ...lineOnly } = negative;
    expect(formatProblems([lineOnly], "opencode.json")).toBe(
      "opencode.json:7 fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
    );
  });

  it("prints only the message of a root problem with no file and no position", () => {
    const root: ConfigProblem = {
      path: [],
      pointer: "",
      message: "expected a JSON object, received 42",
      expected: "a JSON object",
      received: "42",
    };
    expect(formatProblems([root])).toBe("expected a JSON object, received 42");
  });
});
