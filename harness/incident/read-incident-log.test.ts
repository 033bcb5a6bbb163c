import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AuditInputError } from "../check/read-audit-lines.ts";
import { parseAuditLine } from "../oracle/audit-schema.ts";
import { isSynthesizedLine, type IncidentLine } from "./incident-line.ts";
import { A, B, specRequest } from "./incident-test-kit.ts";
import { readIncidentLog } from "./read-incident-log.ts";

const dir = mkdtempSync(join(tmpdir(), "incident-log-"));
const GOOD = join(import.meta.dirname, "../../fixtures/audit/good");
const ODD = join(import.meta.dirname, "../../fixtures/incidents/odd");

async function read(
  path: string,
): Promise<{ lines: IncidentLine[]; summary: Awaited<ReturnType<typeof readIncidentLog>> }> {
  const lines: IncidentLine[] = [];
  const summary = await readIncidentLog(path, (line) => lines.push(line));
  return { lines, summary };
}

function jsonl(records: readonly Record<string, unknown>[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

describe("readIncidentLog on files", () => {
  it("reads gzip input when the name ends in .gz", async () => {
    const path = join(dir, "incident.jsonl.gz");
    writeFileSync(path, gzipSync(jsonl(specRequest("r1", 1))));
    const { lines, summary } = await read(path);
    expect(lines).toHaveLength(3);
    expect(summary).toMatchObject({ file: path, totalLines: 3, usedLines: 3, format: "spec", problems: [] });
  });

  it("tells a last line cut mid-write (no newline) from a corrupt one (newline)", async () => {
    const cut = join(dir, "cut.jsonl");
    writeFileSync(cut, `${jsonl(specRequest("r1", 1))}{"v":1,"seq":4,"ts":"2025-0`);
    expect((await read(cut)).summary.problems).toEqual([
      expect.objectContaining({ line: 4, severity: "warning", kind: "partial-last-line" }),
    ]);
    const corrupt = join(dir, "corrupt.jsonl");
    writeFileSync(corrupt, `${jsonl(specRequest("r1", 1))}{"v":1,"seq":4,"ts":"2025-0\n`);
    expect((await read(corrupt)).summary.problems).toEqual([
      expect.objectContaining({ line: 4, severity: "error", kind: "not-json" }),
    ]);
  });

  it("uses a last line without a newline when it is complete JSON", async () => {
    const path = join(dir, "no-final-newline.jsonl");
    writeFileSync(path, jsonl(specRequest("r1", 1)).trimEnd());
    expect((await read(path)).summary).toMatchObject({ usedLines: 3, problems: [] });
  });

  it("reports a line over the length bound as line-too-long with its number, and reads the rest", async () => {
    const path = join(dir, "long.jsonl");
    writeFileSync(
      path,
      `${jsonl(specRequest("r1", 1))}${"x".repeat(3000)}\n${jsonl(specRequest("r2", 4, 20))}`,
    );
    const lines: IncidentLine[] = [];
    const summary = await readIncidentLog(path, (line) => lines.push(line), { maxLineBytes: 1024 });
    expect(summary).toMatchObject({ totalLines: 7, usedLines: 6 });
    expect(lines.map((line) => line.line)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(summary.problems).toEqual([
      expect.objectContaining({
        line: 4,
        severity: "error",
        kind: "line-too-long",
        message: expect.stringContaining("3000 bytes long, over the limit of 1024 bytes") as unknown,
      }),
    ]);
  });

  it("throws AuditInputError for a missing file, a directory and a broken gzip stream", async () => {
    await expect(read(join(dir, "nope.jsonl"))).rejects.toThrow(
      /Failed to read the audit log .*nope\.jsonl: no such file/,
    );
    await expect(read(dir)).rejects.toBeInstanceOf(AuditInputError);
    const broken = join(dir, "broken.jsonl.gz");
    writeFileSync(broken, "this is not gzip at all");
    await expect(read(broken)).rejects.toBeInstanceOf(AuditInputError);
  });
});

describe("the SPEC §8 good logs", () => {
  const files = readdirSync(GOOD).filter((name) => name.endsWith(".jsonl"));

  it("are all found", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s reads with no problem, nothing derived, every line as written", async (name) => {
    const path = join(GOOD, name);
    const { lines, summary } = await read(path);
    const source = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(summary).toMatchObject({ format: "spec", problems: [], problemCounts: {}, synthesizedLines: 0 });
    expect(summary.usedLines).toBe(source.length);
    expect(lines.every((line) => line.derived.length === 0 && line.format === "spec")).toBe(true);
    const expected = source.map((text) => parseAuditLine(JSON.parse(text)));
    expect(lines.map((line) => ({ ok: true, line: line.audit }))).toEqual(expected);
  });
});

describe("the hand-written OpenCode-style logs", () => {
  it("opencode-keyless.jsonl: keyless lines with epoch times and provider fields become two requests", async () => {
    const { lines, summary } = await read(join(ODD, "opencode-keyless.jsonl"));
    expect(summary).toMatchObject({
      format: "opencode",
      totalLines: 4,
      usedLines: 4,
      problems: [],
      synthesizedLines: 6,
    });
    const requests = lines
      .filter((line) => line.audit.event === "fallback_request")
      .map((line) => line.audit);
    expect(requests).toMatchObject([
      { request_id: "line-1", chain: [A, B], primary: A, ts: "2025-01-01T11:59:59.880Z" },
      // Epoch seconds, and no chain beyond the one model used.
      { request_id: "line-4", chain: [A], ts: "2025-01-01T12:01:39.300Z" },
    ]);
    const failures = lines.filter((line) => line.audit.event === "fallback_failure");
    expect(failures.map((line) => line.audit)).toMatchObject([
      {
        model: A,
        attempt: 1,
        model_attempt: 1,
        reason: "rate_limit",
        status: 429,
        retry_after_ms: 2000,
        action: "retry",
        latency_ms: 120,
      },
      {
        model: A,
        attempt: 2,
        model_attempt: 2,
        reason: "rate_limit",
        retry_after_ms: null,
        action: "fallback",
        latency_ms: 80,
      },
    ]);
    expect(failures[0]!.derived).toEqual([
      "seq",
      "event",
      "request_id",
      "model_attempt",
      "reason",
      "delay_ms",
    ]);
    const success = lines.find((line) => line.audit.event === "fallback_success")!;
    expect(success).toMatchObject({
      line: 3,
      audit: { model: B, attempt: 3, fallback: true, latency_ms: 900 },
    });
    expect(success.derived).toEqual(["seq", "event", "request_id", "fallback"]);
    expect(lines.map((line) => line.audit.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("opencode-sessions.jsonl: interleaved sessions, a reused session id, an exhaustion after fail", async () => {
    const { lines, summary } = await read(join(ODD, "opencode-sessions.jsonl"));
    expect(summary).toMatchObject({ format: "opencode", usedLines: 11, problems: [], synthesizedLines: 3 });
    const ids = lines.map((line) => line.audit.request_id);
    expect([...new Set(ids)]).toEqual(["ses_b", "ses_a", "ses_a#2"]);
    const heads = lines.filter(isSynthesizedLine).map((line) => line.audit);
    expect(heads).toMatchObject([
      { request_id: "ses_b", chain: [A, B], agent: "build" },
      { request_id: "ses_a", chain: [A], agent: "plan" },
      { request_id: "ses_a#2", chain: [A], agent: "plan" },
    ]);
    const offsetLine = lines.find((line) => line.line === 3)!;
    expect(offsetLine.audit).toMatchObject({
      ts: "2025-01-01T12:00:01.000Z",
      latency_ms: 1000,
      agent: "plan",
    });
    expect(offsetLine.derived).toEqual(["seq", "agent", "model_attempt", "retry_after_ms", "latency_ms"]);
    const exhausted = lines.find((line) => line.audit.event === "fallback_exhausted")!;
    expect(exhausted.audit).toMatchObject({
      request_id: "ses_a#2",
      attempts: 1,
      error_type: "ContextLength",
      reason: "context_overflow",
    });
    expect(exhausted.derived).toEqual(["seq", "request_id", "agent", "attempts", "error_type", "reason"]);
    // Delivery follows request ends, seq follows the file.
    expect([...lines.map((line) => line.audit.seq)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    for (const line of lines) expect(parseAuditLine(line.audit)).toMatchObject({ ok: true });
  });

  it("opencode-odd.jsonl: every kind of damage reported with its line, the rest read", async () => {
    const { lines, summary } = await read(join(ODD, "opencode-odd.jsonl"));
    expect(summary).toMatchObject({ totalLines: 9, usedLines: 4, format: "opencode" });
    expect(summary.problems.map((p) => [p.line, p.severity, p.kind, p.path])).toEqual([
      [3, "warning", "field-missing", "$.action"],
      [4, "warning", "unknown-event", "$.event"],
      [5, "error", "field-invalid", "$.attempt"],
      [6, "error", "not-json", "$"],
      [7, "warning", "ts-out-of-order", "$.ts"],
      [8, "warning", "field-missing", "$.ts"],
      [9, "warning", "partial-last-line", "$"],
    ]);
    expect(lines.map((line) => [line.line, line.audit.event])).toEqual([
      [1, "fallback_request"],
      [1, "fallback_attempt"],
      [3, "fallback_failure"],
      [7, "fallback_attempt"],
      [8, "fallback_success"],
    ]);
    expect(lines[2]!.audit).toMatchObject({ reason: "auth", action: "fallback", latency_ms: 300 });
    expect(lines[4]!.audit).toMatchObject({ attempt: 2, fallback: true, ts: "2025-01-01T12:00:00.200Z" });
  });
});
