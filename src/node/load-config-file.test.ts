import { describe, it, expect } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigFile, parseConfigText } from "./load-config-file.ts";
import { formatProblems } from "../config/format-problems.ts";
import type { ConfigProblem } from "../config/parse-config.ts";
import { DEFAULT_SETTINGS } from "../config/settings.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures/configs/", import.meta.url));

function problemsOf(text: string): readonly ConfigProblem[] {
  const result = parseConfigText(text);
  if (result.ok) throw new Error("expected the text to be rejected, but it parsed");
  return result.problems;
}

describe("parseConfigText", () => {
  it("accepts comments and trailing commas", () => {
    const result = parseConfigText(`{
      // the global primary
      "model": "anthropic/claude-sonnet-4-5",
      /* fallback settings */
      "fallback": { "max_retries": 1, "chains": { "default": ["openai/gpt-4.1",], }, },
    }`);
    expect(result).toEqual({
      ok: true,
      config: {
        model: "anthropic/claude-sonnet-4-5",
        agent: {},
        fallback: { ...DEFAULT_SETTINGS, max_retries: 1 },
        chains: { default: ["openai/gpt-4.1"] },
      },
    });
  });

  it("reports a syntax error with its line, column and what was expected", () => {
    const [problem, ...rest] = problemsOf(
      '{\n  "fallback": {\n    "max_retries": 2\n    "deadline_ms": 1\n  }\n}',
    );
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      path: [],
      pointer: "",
      message: 'syntax error: expected a "," between entries, received "deadline_ms"',
      expected: 'a "," between entries',
      received: '"deadline_ms"',
      line: 4,
      column: 5,
    });
  });

  it("reports only the first syntax error of a line, where the rest are the parser recovering", () => {
    const problems = problemsOf('{"a": tru}\n{');
    expect(problems.map(({ line, column }) => [line, column])).toEqual([
      [1, 7],
      [2, 1],
    ]);
    expect(problems[0]?.message).toBe(
      'syntax error: expected a JSON value (a string, number, object, array, true, false or null), received "tru"',
    );
  });

  it("reports an unterminated object at the end of the file", () => {
    const problems = problemsOf('{\n  "model": "a/b"\n');
    expect(problems.map((problem) => formatProblems([problem]))).toEqual([
      '3:1 syntax error: expected a "}" to close the object, received the end of the file',
    ]);
  });

  it("reports an empty file as one problem", () => {
    for (const text of ["", "  \n", "// nothing here\n"]) {
      expect(problemsOf(text)).toEqual([
        {
          path: [],
          pointer: "",
          message: "the file is empty; write a JSON object such as {}",
          expected: "a JSON object",
          received: "an empty file",
          line: 1,
          column: 1,
        },
      ]);
    }
  });

  it("points an unknown key at the key and a bad value at the value", () => {
    const text = ["{", '  "fallback": {', '    "max_retry": 2,', '    "sticky_ms": -5', "  }", "}"].join(
      "\n",
    );
    expect(formatProblems(problemsOf(text), "opencode.json")).toBe(
      [
        'opencode.json:3:5 fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?',
        "opencode.json:4:18 fallback.sticky_ms: expected a non-negative integer of milliseconds, received -5",
      ].join("\n"),
    );
  });

  it("points at a list element by its index", () => {
    const text = '{\n  "agent": { "build": { "models": ["a/b",\n    "gpt-4o"] } }\n}';
    const [problem] = problemsOf(text);
    expect(problem).toMatchObject({ pointer: "agent.build.models[1]", line: 3, column: 5 });
  });

  it("points a cross-field bound problem at the field that breaks it", () => {
    const [problem] = problemsOf('{ "fallback": {\n  "backoff": { "network": { "max_ms": 10 } } } }');
    expect(problem).toMatchObject({ pointer: "fallback.backoff.network.max_ms", line: 2, column: 39 });
  });

  it("lists problems in file order", () => {
    const text = '{\n  "model": "x",\n  "fallback": { "zzz": 1 },\n  "agent": { "a": { "model": 1 } }\n}';
    expect(problemsOf(text).map((problem) => problem.line)).toEqual([2, 3, 4]);
  });

  it("ignores a byte-order mark", () => {
    expect(parseConfigText('\uFEFF{ "model": "a/b" }').ok).toBe(true);
    expect(problemsOf('\uFEFF{ "model": 1 }')[0]).toMatchObject({ line: 1, column: 12 });
  });

  it("counts CRLF and CR line breaks as one line each", () => {
    expect(
      problemsOf('{\r\n"model": 1,\r\n"fallback": 2\r}\r\n').map(({ line, column }) => [line, column]),
    ).toEqual([
      [2, 10],
      [3, 13],
    ]);
  });

  it("points a root that is not an object at its first character", () => {
    expect(formatProblems(problemsOf("\n  [1, 2]"), "opencode.json")).toBe(
      "opencode.json:2:3 expected a JSON object, received an array of 2 items",
    );
  });
});

describe("loadConfigFile", () => {
  it("reports a missing file as a problem instead of throwing", async () => {
    const directory = await mkdtemp(join(tmpdir(), "fallback-config-"));
    const result = await loadConfigFile(join(directory, "opencode.json"));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: [],
          pointer: "",
          message: "cannot read the file (no such file); check the path or create an opencode.json",
          expected: "a readable opencode.json or opencode.jsonc file",
          received: "no such file",
        },
      ],
    });
  });

  it("reports a directory as a problem instead of throwing", async () => {
    const directory = await mkdtemp(join(tmpdir(), "fallback-config-"));
    const result = await loadConfigFile(directory);
    expect(result.ok ? [] : result.problems.map((problem) => problem.received)).toEqual([
      "it is a directory",
    ]);
  });

  it("reads a .jsonc file from disk", async () => {
    const directory = await mkdtemp(join(tmpdir(), "fallback-config-"));
    const path = join(directory, "opencode.jsonc");
    await writeFile(path, '// comment\n{ "fallback": { "enabled": false, }, }\n');
    const result = await loadConfigFile(path);
    expect(result.ok && result.config.fallback.enabled).toBe(false);
  });
});

describe("fixture configs", () => {
  it("parses valid/basic.json", async () => {
    const result = await loadConfigFile(join(FIXTURES, "valid/basic.json"));
    expect(result.ok && result.config.agent["build"]?.models).toEqual([
      "anthropic/claude-sonnet-4-5",
      "openai/gpt-4.1",
      "google/gemini-2.5-pro",
    ]);
  });

  it("parses valid/full.jsonc with every key at its written value", async () => {
    const result = await loadConfigFile(join(FIXTURES, "valid/full.jsonc"));
    if (!result.ok) throw new Error(formatProblems(result.problems, "full.jsonc"));
    const { fallback, chains, agent } = result.config;
    expect(fallback).toEqual({
      enabled: true,
      max_retries: 2,
      circuit_breaker: {
        enabled: true,
        failure_threshold: 3,
        window_ms: 600_000,
        cooldown_ms: 300_000,
        half_open_probes: 1,
        success_threshold: 2,
      },
      audit_log: "/tmp/fallback-harness/model-fallback.jsonl",
      backoff: {
        network: { base_ms: 1000, factor: 2, max_ms: 30_000, jitter: 0.2 },
        rate_limit: { base_ms: 2000, factor: 3, max_ms: 60_000, jitter: 0.25 },
      },
      retry_after_cap_ms: 30_000,
      deadline_ms: 300_000,
      on_all_open: "bypass",
      promote_on_success: false,
      sticky_ms: 600_000,
      mid_stream: "fail",
      ttft_timeout_ms: 45_000,
      stall_timeout_ms: 20_000,
      actions: { ContextLength: "fallback", NetworkTransient: "retry" },
    });
    expect(Object.keys(chains)).toEqual(["default", "plan", "openai/gpt-4.1"]);
    expect(agent["plan"]).toEqual({ model: "openai/gpt-4.1" });
    expect(agent["build"]?.fallback).toEqual({
      max_retries: 1,
      circuit_breaker: { failure_threshold: 5 },
      backoff: { network: { base_ms: 500 } },
      actions: { ProviderError: "retry" },
    });
  });

  const invalid: [string, string[]][] = [
    [
      "syntax-error.json",
      ['syntax-error.json:5:5 syntax error: expected a "," between entries, received "deadline_ms"'],
    ],
    [
      "wrong-types.json",
      [
        'wrong-types.json:4:16 fallback.enabled: expected true or false, received "yes"',
        'wrong-types.json:5:20 fallback.max_retries: expected a non-negative integer, received "3"',
        "wrong-types.json:6:47 fallback.circuit_breaker.failure_threshold: expected an integer of at least 1, received 2.5",
        "wrong-types.json:7:41 fallback.backoff.network.jitter: expected a number between 0 and 1, received 1.5",
        'wrong-types.json:8:20 fallback.on_all_open: expected one of "probe_soonest", "bypass" or "fail_fast", received "wait"',
        'wrong-types.json:9:19 fallback.mid_stream: expected "restart" or "fail", received true',
      ],
    ],
    [
      "unknown-key.json",
      [
        'unknown-key.json:4:5 fallback.max_retry: unknown key "max_retry"; did you mean "max_retries"?',
        'unknown-key.json:6:7 fallback.circuit_breaker.cooldown: unknown key "cooldown"; did you mean "cooldown_ms"?',
      ],
    ],
    [
      "empty-chain.json",
      [
        "empty-chain.json:5:18 fallback.chains.default: a chain needs at least one model; add a model id or remove the chain",
      ],
    ],
    [
      "bad-model-id.json",
      [
        'bad-model-id.json:2:12 model: expected a model id of the form "provider/model", received "claude-sonnet-4-5"',
        'bad-model-id.json:5:49 agent.build.models[1]: expected a model id of the form "provider/model", received "gpt-4.1"',
      ],
    ],
    [
      "negative-duration.json",
      [
        "negative-duration.json:5:22 fallback.circuit_breaker.cooldown_ms: expected a non-negative integer of milliseconds, received -5",
      ],
    ],
  ];

  for (const [file, expected] of invalid) {
    it(`rejects invalid/${file} with the documented problems`, async () => {
      const result = await loadConfigFile(join(FIXTURES, "invalid", file));
      expect(result.ok ? "" : formatProblems(result.problems, file)).toBe(expected.join("\n"));
    });
  }
});
