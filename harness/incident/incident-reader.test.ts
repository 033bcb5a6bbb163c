import { describe, expect, it } from "vitest";
import { parseAuditLine } from "../oracle/audit-schema.ts";
import { A, at, B, readAll, specRequest } from "./incident-test-kit.ts";
import { isSynthesizedLine, type IncidentLine } from "./incident-line.ts";

function events(lines: readonly IncidentLine[]): string[] {
  return lines.map((line) => `${line.audit.request_id} ${line.audit.event}`);
}

function only(lines: readonly IncidentLine[], event: string): IncidentLine {
  const found = lines.filter((line) => line.audit.event === event);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("reading damaged lines", () => {
  it("ignores blank lines without a problem but counts them as lines", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const { lines, summary } = await readAll([request!, "", "   ", attempt!, "\t", success!]);
    expect(lines).toHaveLength(3);
    expect(summary).toMatchObject({ totalLines: 6, usedLines: 3, problems: [], problemCounts: {} });
    expect(lines.map((line) => line.line)).toEqual([1, 4, 6]);
  });

  it("warns about a last line cut mid-write when the log does not end with a newline", async () => {
    const { lines, summary } = await readAll([...specRequest("r1", 1), '{"v":1,"seq":4,"ts":"2025-'], {
      endedWithNewline: () => false,
    });
    expect(lines).toHaveLength(3);
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 4, severity: "warning", kind: "partial-last-line", path: "$" }),
    ]);
  });

  it("takes an unterminated last line for a cut one when it cannot know (plain iterables)", async () => {
    const { summary } = await readAll([...specRequest("r1", 1), "{oops"], {});
    expect(summary.problemCounts).toEqual({ "partial-last-line": 1 });
  });

  it("reports a corrupt line that ends with a newline as an error, and a mid-file one too, and reads on", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const { lines, summary } = await readAll([request!, "not json {", attempt!, success!, '{"v":1,'], {
      endedWithNewline: () => true,
    });
    expect(events(lines)).toEqual(["r1 fallback_request", "r1 fallback_attempt", "r1 fallback_success"]);
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 2, severity: "error", kind: "not-json" }),
      expect.objectContaining({ line: 5, severity: "error", kind: "not-json" }),
    ]);
  });

  it("rejects JSON that is not an object", async () => {
    const { summary } = await readAll(["[1,2]", "42", '"text"', "null"]);
    expect(summary.problemCounts).toEqual({ "not-an-object": 4 });
    expect(summary.problems[0]).toMatchObject({
      line: 1,
      severity: "error",
      path: "$",
      expected: "a JSON object",
    });
  });

  it("skips and counts unknown events in both formats, as warnings", async () => {
    const { lines, summary } = await readAll([
      ...specRequest("r1", 1),
      { v: 1, seq: 4, ts: at(20), event: "fallback_retry", request_id: "r1", agent: "build" },
      { ts: at(30), type: "heartbeat", sessionID: "s1" },
    ]);
    expect(lines).toHaveLength(3);
    expect(summary.problemCounts).toEqual({ "unknown-event": 2 });
    expect(summary.problems.map((p) => [p.line, p.severity, p.path])).toEqual([
      [4, "warning", "$.event"],
      [5, "warning", "$.event"],
    ]);
  });

  it("reports an invalid value with its JSON path and what was expected, and skips the line", async () => {
    const { lines, summary } = await readAll([
      { ts: at(0), event: "fallback_attempt", sessionID: "s1", model: A, attempt: 1 },
      {
        ts: at(5),
        event: "fallback_failure",
        sessionID: "s1",
        model: A,
        attempt: "two",
        error_type: "ProviderError",
      },
      {
        ts: at(6),
        event: "fallback_failure",
        sessionID: "s1",
        model: "gpt-4",
        attempt: 1,
        error_type: "ProviderError",
      },
      {
        ts: "noon",
        event: "fallback_failure",
        sessionID: "s1",
        model: A,
        attempt: 1,
        error_type: "ProviderError",
      },
      { ts: at(7), event: "fallback_failure", sessionID: "s1", model: A, errorType: "Oops" },
    ]);
    expect(events(lines)).toEqual(["s1 fallback_request", "s1 fallback_attempt"]);
    expect(summary.problems.map((p) => [p.line, p.severity, p.kind, p.path])).toEqual([
      [2, "error", "field-invalid", "$.attempt"],
      [3, "error", "field-invalid", "$.model"],
      [4, "error", "field-invalid", "$.ts"],
      [5, "error", "field-invalid", "$.errorType"],
    ]);
    expect(summary.problems[0]).toMatchObject({
      expected: "a positive integer",
      message: 'expected a positive integer, got "two"',
    });
  });

  it("warns about a time earlier than the previous line's and still uses the line with its own time", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const late = { ...request!, ts: at(5_000) };
    const { lines, summary } = await readAll([late, attempt!, success!]);
    expect(lines.map((line) => line.audit.ts)).toEqual([at(5_000), at(0), at(10)]);
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 2, severity: "warning", kind: "ts-out-of-order", path: "$.ts" }),
    ]);
  });

  it("strips a byte-order mark before the first line", async () => {
    const [request, ...rest] = specRequest("r1", 1);
    const { summary } = await readAll([`\uFEFF${JSON.stringify(request)}`, ...rest]);
    expect(summary).toMatchObject({ usedLines: 3, problems: [] });
  });

  it("keeps the first problems up to the cap and counts them all", async () => {
    const { summary } = await readAll(["x", "y", "z", "w", "v", ...specRequest("r1", 1)], {
      maxProblems: 2,
      endedWithNewline: () => true,
    });
    expect(summary.problems.map((p) => p.line)).toEqual([1, 2]);
    expect(summary.problemCounts).toEqual({ "not-json": 5 });
  });
});

describe("reading SPEC §8 lines", () => {
  it("passes strict lines through untouched, with nothing derived", async () => {
    const source = [...specRequest("r1", 1), ...specRequest("r2", 4, 100)];
    const { lines, summary } = await readAll(source);
    expect(lines.map((line) => line.audit)).toEqual(source);
    expect(lines.every((line) => line.derived.length === 0 && line.format === "spec")).toBe(true);
    expect(summary).toMatchObject({ format: "spec", usedLines: 6, synthesizedLines: 0, problems: [] });
  });

  it("ignores x_ extensions without a problem", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const { lines, summary } = await readAll([{ ...request!, x_region: "eu" }, attempt!, success!]);
    expect(summary.problems).toEqual([]);
    expect(lines[0]!.audit).not.toHaveProperty("x_region");
  });

  it("reads a line that fails the strict schema but is usable, with a warning naming the strictness", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const { lines, summary } = await readAll([
      { ...request!, note: "extra" },
      { ...attempt!, ts: "2025-01-01T12:00:00Z" },
      success!,
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.audit).not.toHaveProperty("note");
    expect(lines[1]!.audit.ts).toBe(at(0));
    expect(summary.problems.map((p) => [p.line, p.severity, p.kind])).toEqual([
      [1, "warning", "field-unknown"],
      [2, "warning", "ts-format"],
    ]);
  });

  it("reads a line of another version with a version-unsupported warning", async () => {
    const [request, attempt, success] = specRequest("r1", 1);
    const { lines, summary } = await readAll([{ ...request!, v: 2 }, attempt!, success!]);
    expect(lines[0]).toMatchObject({ audit: { v: 1, seq: 1, chain: [A, B] }, derived: [] });
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 1, kind: "version-unsupported", severity: "warning" }),
    ]);
  });

  it("derives a SPEC line's missing field and lists it, with a field-missing warning", async () => {
    const [request, attempt] = specRequest("r1", 1);
    const failure = {
      v: 1,
      seq: 3,
      ts: at(20),
      event: "fallback_failure",
      request_id: "r1",
      agent: "build",
      model: A,
      attempt: 1,
      model_attempt: 1,
      error_type: "ProviderError",
      reason: "server_error",
      retry_after_ms: null,
      action: "fallback",
      delay_ms: null,
      latency_ms: 20,
    };
    const { lines, summary } = await readAll([request!, attempt!, failure]);
    expect(only(lines, "fallback_failure")).toMatchObject({
      format: "spec",
      derived: ["status"],
      audit: { status: null },
    });
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 3, kind: "field-missing", severity: "warning" }),
    ]);
  });

  it("synthesizes the fallback_request of a request whose first line is not one, with a warning", async () => {
    const [, attempt, success] = specRequest("r9", 1);
    const { lines, summary } = await readAll([attempt!, success!]);
    expect(events(lines)).toEqual(["r9 fallback_request", "r9 fallback_attempt", "r9 fallback_success"]);
    expect(lines[0]).toMatchObject({ line: 1, format: "spec", audit: { chain: [A], primary: A } });
    expect(isSynthesizedLine(lines[0]!)).toBe(true);
    expect(summary.problems).toEqual([expect.objectContaining({ line: 1, kind: "request-not-started" })]);
  });

  it("keeps a fallback_exhausted after a failure with action fail, and a circuit line after a success, in their request", async () => {
    const common = { v: 1, agent: "build" };
    const { lines, summary } = await readAll([
      ...specRequest("r1", 1),
      {
        ...common,
        seq: 4,
        ts: at(20),
        event: "circuit_transition",
        request_id: "r1",
        model: A,
        from: "half_open",
        to: "closed",
        failures: 0,
        cooldown_until: null,
        cause: "probe_success",
      },
      { ...common, seq: 5, ts: at(30), event: "fallback_request", request_id: "r2", chain: [A], primary: A },
      {
        ...common,
        seq: 6,
        ts: at(30),
        event: "fallback_attempt",
        request_id: "r2",
        model: A,
        attempt: 1,
        model_attempt: 1,
      },
      {
        ...common,
        seq: 7,
        ts: at(40),
        event: "fallback_failure",
        request_id: "r2",
        model: A,
        attempt: 1,
        model_attempt: 1,
        error_type: "LogicError",
        reason: "invalid_request",
        status: 400,
        retry_after_ms: null,
        action: "fail",
        delay_ms: null,
        latency_ms: 10,
      },
      {
        ...common,
        seq: 8,
        ts: at(40),
        event: "fallback_exhausted",
        request_id: "r2",
        attempts: 1,
        error_type: "LogicError",
        reason: "invalid_request",
      },
    ]);
    expect(summary).toMatchObject({ usedLines: 8, synthesizedLines: 0, problems: [] });
    expect(lines.map((line) => line.audit.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("reading OpenCode-style lines", () => {
  it("normalises a keyless request: synthesized request and attempts, derived fields listed", async () => {
    const { lines, summary } = await readAll([
      {
        time: Date.parse(at(0)),
        agent: "build",
        providerID: "anthropic",
        modelID: "claude-sonnet-4-5",
        attempt: 1,
        action: "fallback",
        errorType: "ProviderError",
        statusCode: 503,
        duration_ms: 100,
      },
      {
        time: Date.parse(at(300)) / 1000,
        agent: "build",
        model: B,
        attempt: 2,
        success: true,
        latency_ms: 200,
      },
    ]);
    expect(summary).toMatchObject({ format: "opencode", usedLines: 2, synthesizedLines: 3, problems: [] });
    expect(events(lines)).toEqual([
      "line-1 fallback_request",
      "line-1 fallback_attempt",
      "line-1 fallback_failure",
      "line-1 fallback_attempt",
      "line-1 fallback_success",
    ]);
    expect(lines.map((line) => line.audit.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.map((line) => line.audit.ts)).toEqual([at(-100), at(-100), at(0), at(100), at(300)]);
    const [request, , failure, , success] = lines;
    expect(request!.audit).toMatchObject({ chain: [A, B], primary: A });
    expect(failure!.audit).toMatchObject({
      model: A,
      model_attempt: 1,
      error_type: "ProviderError",
      // 503 is `unavailable`, a NetworkTransient reason: it does not fit ProviderError, so the type's default.
      reason: "server_error",
      status: 503,
      action: "fallback",
      latency_ms: 100,
      retry_after_ms: null,
      delay_ms: null,
    });
    expect(failure!.derived).toEqual([
      "seq",
      "event",
      "request_id",
      "model_attempt",
      "reason",
      "retry_after_ms",
      "delay_ms",
    ]);
    expect(success!.audit).toMatchObject({ model: B, attempt: 2, fallback: true, latency_ms: 200 });
    expect(success!.derived).toEqual(["seq", "event", "request_id", "fallback"]);
    expect(lines.filter(isSynthesizedLine).map((line) => line.audit.event)).toEqual([
      "fallback_request",
      "fallback_attempt",
      "fallback_attempt",
    ]);
    for (const line of lines) expect(parseAuditLine(line.audit)).toMatchObject({ ok: true });
  });

  it("starts a new keyless request at attempt 1, and a session's next request as <key>#2", async () => {
    const { lines } = await readAll([
      { ts: at(0), model: A, attempt: 1, success: true, latency_ms: 5 },
      { ts: at(10), model: A, attempt: 1, success: true, latency_ms: 5 },
      { ts: at(20), sessionID: "ses", event: "fallback_attempt", model: A, attempt: 1 },
      { ts: at(30), sessionID: "ses", event: "fallback_success", model: A, attempt: 1 },
      { ts: at(40), sessionID: "ses", event: "fallback_attempt", model: A, attempt: 1 },
      { ts: at(50), sessionID: "ses", event: "fallback_success", model: A },
    ]);
    expect([...new Set(lines.map((line) => line.audit.request_id))]).toEqual([
      "line-1",
      "line-2",
      "ses",
      "ses#2",
    ]);
    const renamed = lines.filter((line) => line.audit.request_id === "ses#2" && !isSynthesizedLine(line));
    expect(renamed.map((line) => line.derived.includes("request_id"))).toEqual([true, true]);
    const original = lines.filter((line) => line.audit.request_id === "ses" && !isSynthesizedLine(line));
    expect(original.map((line) => line.derived.includes("request_id"))).toEqual([false, false]);
  });

  it("infers the event from action, error type, success or status, and reports a line that names none", async () => {
    const { lines, summary } = await readAll([
      { ts: at(0), requestID: "a", model: A, attempt: 1, errorType: "NetworkTransient", action: "retry" },
      { ts: at(1), requestID: "a", model: A, attempt: 2, status: "success" },
      { ts: at(2), requestID: "b", model: A, attempt: 1, success: false, statusCode: 429, action: "retry" },
      { ts: at(3), requestID: "b", model: A, attempt: 2, success: true },
      { ts: at(4), requestID: "c", model: A, attempt: 1 },
    ]);
    const sourced = lines.filter((line) => !isSynthesizedLine(line));
    expect(sourced.map((line) => [line.audit.event, line.derived.includes("event")])).toEqual([
      ["fallback_failure", true],
      ["fallback_success", true],
      ["fallback_failure", true],
      ["fallback_success", true],
    ]);
    expect(sourced[2]!.audit).toMatchObject({
      error_type: "ProviderRateLimit",
      reason: "rate_limit",
      status: 429,
    });
    expect(summary.problems.filter((p) => p.path !== "$.latency_ms")).toEqual([
      expect.objectContaining({ line: 5, severity: "error", kind: "field-missing", path: "$.event" }),
    ]);
  });

  it("guesses fields that matter with a warning: action, latency, time, error type", async () => {
    const { lines, summary } = await readAll([
      { ts: at(0), session_id: "s", event: "fallback_failure", model: A, attempt: 1, reason: "rate_limit" },
      { session_id: "s", event: "fallback_failure", model: A, attempt: 2, action: "fallback", latency_ms: 3 },
    ]);
    const failures = lines.filter((line) => line.audit.event === "fallback_failure");
    expect(failures.map((line) => line.audit)).toMatchObject([
      { error_type: "ProviderRateLimit", reason: "rate_limit", action: "retry", latency_ms: 0, ts: at(0) },
      { error_type: "LogicError", reason: "unknown", action: "fallback", latency_ms: 3, ts: at(0) },
    ]);
    expect(failures[1]!.derived).toEqual(expect.arrayContaining(["ts", "error_type", "reason"]));
    expect(summary.problems.map((p) => [p.line, p.severity, p.kind, p.path])).toEqual([
      [1, "warning", "field-missing", "$.action"],
      [1, "warning", "field-missing", "$.latency_ms"],
      [2, "warning", "field-missing", "$.ts"],
      [2, "warning", "field-missing", "$.error_type"],
    ]);
  });

  it("reads a null where SPEC §8 never has one as absent, and rejects a negative wait", async () => {
    const { lines, summary } = await readAll([
      { ts: at(0), requestID: "r", event: "fallback_attempt", model: A, attempt: null },
      {
        ts: at(5),
        requestID: "r",
        event: "fallback_failure",
        model: A,
        error_type: "NetworkTransient",
        action: "retry",
        latency_ms: null,
        delay_ms: -1,
      },
    ]);
    expect(only(lines, "fallback_attempt")).toMatchObject({
      audit: { attempt: 1 },
      derived: ["seq", "agent", "attempt", "model_attempt"],
    });
    expect(summary.problems).toEqual([
      expect.objectContaining({
        line: 2,
        severity: "error",
        path: "$.delay_ms",
        expected: "a non-negative integer (milliseconds) or null",
      }),
    ]);
  });

  it("takes an agent from the request's first line and defaults to unknown", async () => {
    const { lines } = await readAll([
      { ts: at(0), messageID: "m1", agent: "plan", event: "fallback_attempt", model: A },
      { ts: at(5), messageID: "m1", event: "fallback_success", model: A },
      { ts: at(9), messageID: "m2", event: "fallback_attempt", model: A },
    ]);
    expect(
      lines.map((line) => [line.audit.request_id, line.audit.agent, line.derived.includes("agent")]),
    ).toEqual([
      ["m1", "plan", true],
      ["m1", "plan", false],
      ["m1", "plan", true],
      ["m2", "unknown", true],
      ["m2", "unknown", true],
    ]);
  });

  it("reads models as provider/model, {providerID, modelID}, or a bare name with providerID", async () => {
    const { lines, summary } = await readAll([
      {
        ts: at(0),
        messageID: "m",
        event: "fallback_model_skipped",
        model: { providerID: "openai", modelID: "gpt-4.1" },
        reason: "circuit_open",
      },
      {
        ts: at(1),
        messageID: "m",
        event: "fallback_attempt",
        providerID: "anthropic",
        model: "claude-sonnet-4-5",
      },
      {
        ts: at(2),
        messageID: "m",
        event: "fallback_success",
        providerID: "anthropic",
        modelID: "claude-sonnet-4-5",
      },
      { ts: at(3), messageID: "n", event: "fallback_attempt", providerID: "anthropic" },
    ]);
    expect(
      lines
        .filter((line) => line.audit.request_id === "m")
        .map((line) => ("model" in line.audit ? line.audit.model : null)),
    ).toEqual([null, B, A, A]);
    // Skipped models belong to the chain, in the order the request met them.
    expect(lines[0]!.audit).toMatchObject({ event: "fallback_request", chain: [B, A], primary: B });
    expect(summary.problems).toEqual([
      expect.objectContaining({ line: 4, severity: "error", path: "$.modelID" }),
    ]);
  });

  it("derives a fallback_request's missing chain from the models the request used", async () => {
    const { lines } = await readAll([
      { ts: at(0), requestID: "r", event: "fallback_request", primary: B },
      { ts: at(1), requestID: "r", event: "fallback_attempt", model: A },
      { ts: at(2), requestID: "r", event: "fallback_success", model: A },
    ]);
    expect(lines[0]).toMatchObject({
      line: 1,
      audit: { chain: [B, A], primary: B },
      derived: ["seq", "agent", "chain"],
    });
    expect(isSynthesizedLine(lines[0]!)).toBe(false);
    expect(lines[2]!.audit).toMatchObject({ fallback: true });
  });

  it("completes circuit, promotion and exhaustion lines from the request", async () => {
    const { lines, summary } = await readAll([
      {
        ts: at(0),
        requestID: "r",
        event: "fallback_failure",
        model: A,
        attempt: 1,
        error_type: "ProviderRateLimit",
        action: "fallback",
        status: 402,
      },
      {
        ts: at(1),
        requestID: "r",
        event: "circuit_transition",
        model: A,
        from: "closed",
        to: "open",
        cooldownUntil: at(60_000),
      },
      { ts: at(2), requestID: "r", event: "fallback_model_skipped", model: B },
      { ts: at(3), requestID: "r", event: "fallback_exhausted" },
      { ts: at(4), requestID: "r", event: "fallback_promoted", model: B, until: at(900_000) },
    ]);
    const byEvent = (event: string): IncidentLine => only(lines, event);
    expect(byEvent("fallback_failure").audit).toMatchObject({ reason: "quota_exhausted" });
    expect(byEvent("circuit_transition").audit).toMatchObject({
      failures: 0,
      cooldown_until: at(60_000),
      cause: "quota_exhausted",
    });
    expect(byEvent("fallback_model_skipped").audit).toMatchObject({ reason: "circuit_open" });
    expect(byEvent("fallback_exhausted").audit).toMatchObject({
      attempts: 1,
      error_type: "ProviderRateLimit",
      reason: "quota_exhausted",
    });
    expect(byEvent("fallback_promoted").audit).toMatchObject({ request_id: "r", until: at(900_000) });
    expect(summary.problems.map((p) => p.path)).toEqual(["$.latency_ms", "$.failures", "$.reason"]);
    for (const line of lines) expect(parseAuditLine(line.audit)).toMatchObject({ ok: true });
  });

  it("calls a log of mostly OpenCode-style lines opencode", async () => {
    const { summary } = await readAll([
      ...specRequest("r1", 1),
      { ts: at(20), event: "fallback_attempt", model: A },
      { ts: at(21), event: "fallback_success", model: A },
      { ts: at(22), event: "fallback_attempt", model: A },
      { ts: at(23), event: "fallback_success", model: A },
    ]);
    expect(summary.format).toBe("opencode");
  });
});

describe("bounds on what the reader holds", () => {
  it("closes the least recently active request beyond maxOpenRequests, with a warning", async () => {
    const { lines, summary } = await readAll(
      [
        { ts: at(0), requestID: "a", event: "fallback_attempt", model: A },
        { ts: at(1), requestID: "b", event: "fallback_attempt", model: A },
        { ts: at(2), requestID: "c", event: "fallback_attempt", model: A },
        { ts: at(3), requestID: "b", event: "fallback_success", model: A },
      ],
      { maxOpenRequests: 2, endedWithNewline: () => true },
    );
    expect(summary.peak.openRequests).toBe(2);
    expect(summary.problems).toEqual([expect.objectContaining({ line: 3, kind: "request-evicted" })]);
    expect(events(lines).slice(0, 2)).toEqual(["a fallback_request", "a fallback_attempt"]);
  });

  it("counts a line of an open request as activity: the request touched last is not the one closed", async () => {
    const { summary } = await readAll(
      [
        { ts: at(0), requestID: "a", event: "fallback_attempt", model: A },
        { ts: at(1), requestID: "b", event: "fallback_attempt", model: A },
        { ts: at(2), requestID: "b", event: "fallback_failure", model: A, reason: "server_error" },
        { ts: at(3), requestID: "a", event: "fallback_failure", model: A, reason: "server_error" },
        { ts: at(4), requestID: "c", event: "fallback_attempt", model: A },
      ],
      { maxOpenRequests: 2, endedWithNewline: () => true },
    );
    const evicted = summary.problems.filter((problem) => problem.kind === "request-evicted");
    expect(evicted).toEqual([
      expect.objectContaining({ line: 5, message: expect.stringMatching(/^request b /) }),
    ]);
  });

  it("writes a request's synthesized chain early beyond maxBufferedLines, and warns when it grows after", async () => {
    const { lines, summary } = await readAll(
      [
        { ts: at(0), requestID: "a", event: "fallback_attempt", model: A },
        {
          ts: at(1),
          requestID: "a",
          event: "fallback_failure",
          model: A,
          error_type: "ProviderError",
          action: "fallback",
          latency_ms: 1,
        },
        { ts: at(2), requestID: "a", event: "fallback_attempt", model: B },
        { ts: at(3), requestID: "a", event: "fallback_success", model: B },
      ],
      { maxBufferedLines: 1, endedWithNewline: () => true },
    );
    expect(summary.peak.bufferedLines).toBeLessThanOrEqual(2);
    expect(lines[0]!.audit).toMatchObject({ event: "fallback_request", chain: [A] });
    expect(summary.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, "request-flushed-early"],
      [3, "chain-incomplete"],
    ]);
  });
});
