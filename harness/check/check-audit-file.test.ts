import { createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ORACLE_DEFAULTS } from "../oracle/config-defaults.ts";
import { AuditLogBuilder } from "./audit-log-builder.ts";
import { checkAuditFile, checkAuditStream } from "./check-audit.ts";
import { A, B } from "./good-logs.ts";
import { AuditInputError, DEFAULT_MAX_LINE_BYTES } from "./read-audit-lines.ts";

const options = { settingsFor: () => ORACLE_DEFAULTS };
const dir = mkdtempSync(join(tmpdir(), "audit-check-"));

function good(): AuditLogBuilder {
  return new AuditLogBuilder()
    .request("r1", [A, B])
    .attempt("r1", A)
    .advance(10)
    .success("r1", { latency_ms: 10 });
}

describe("checkAuditFile", () => {
  it("reads gzip input when the name ends in .gz", async () => {
    const path = join(dir, "good.jsonl.gz");
    writeFileSync(path, gzipSync(good().toString()));
    const result = await checkAuditFile(path, options);
    expect(result).toMatchObject({ ok: true, lines: 3, requests: 1 });
  });

  it("warns about a partial last line (no newline, not JSON) and passes", async () => {
    const path = join(dir, "cut.jsonl");
    writeFileSync(path, `${good().toString()}{"v":1,"seq":4,"ts":"2025-01-0`);
    const result = await checkAuditFile(path, options);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ kind: "partial-last-line", line: 4 })]);
  });

  it("counts a corrupt line followed by a newline as a violation with its line number", async () => {
    const path = join(dir, "corrupt-end.jsonl");
    writeFileSync(path, `${good().toString()}{"v":1,"seq":4\n`);
    const result = await checkAuditFile(path, options);
    expect(result.firstViolation).toMatchObject({ rule: "line-not-json", line: 4 });
  });

  it("throws AuditInputError for a missing file, a directory and a broken gzip stream", async () => {
    await expect(checkAuditFile(join(dir, "nope.jsonl"), options)).rejects.toThrow(
      /Failed to read the audit log .*nope\.jsonl: no such file/,
    );
    await expect(checkAuditFile(dir, options)).rejects.toBeInstanceOf(AuditInputError);
    const broken = join(dir, "broken.jsonl.gz");
    writeFileSync(broken, Buffer.from("this is not gzip at all"));
    await expect(checkAuditFile(broken, options)).rejects.toThrow(/not a valid gzip stream|incorrect header/);
  });
});

/** Writes `before`, then one line of `bytes` bytes streamed 1 MiB at a time (never whole in memory), then `after`. */
async function writeWithLongLine(path: string, before: string, bytes: number, after: string): Promise<void> {
  const out = createWriteStream(path);
  const piece = Buffer.alloc(1024 * 1024, "x");
  const write = (chunk: Buffer | string): Promise<void> =>
    new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
  await write(before);
  for (let left = bytes; left > 0; left -= piece.length)
    await write(piece.subarray(0, Math.min(left, piece.length)));
  await write(`\n${after}`);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

describe("checkAuditFile on lines it cannot use", () => {
  it("reports a 32 MiB line as line-too-long with its number and length, holding far less than the line", async () => {
    const lines = good()
      .request("r2", [A, B])
      .attempt("r2", A)
      .advance(10)
      .success("r2", { latency_ms: 10 })
      .lines();
    const path = join(dir, "long-line.jsonl");
    const bytes = 32 * 1024 * 1024;
    await writeWithLongLine(
      path,
      `${lines.slice(0, 3).join("\n")}\n`,
      bytes,
      `${lines.slice(3).join("\n")}\n`,
    );
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    const result = await checkAuditFile(path, options);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(result).toMatchObject({ lines: 7, readableLines: 6, requests: 2, violationCount: 1 });
    expect(result.firstViolation).toMatchObject({ rule: "line-too-long", line: 4 });
    expect(result.firstViolation?.message).toContain(
      `${bytes} bytes long, over the limit of ${DEFAULT_MAX_LINE_BYTES} bytes`,
    );
    // readline held the whole line as a string: at least 32 MiB of heap.
    expect(peak - before).toBeLessThan(12 * 1024 * 1024);
  });

  it("takes the line-length bound as an option", async () => {
    const path = join(dir, "bounded.jsonl");
    writeFileSync(path, good().toString());
    const result = await checkAuditFile(path, { ...options, maxLineBytes: 100 });
    expect(result.counts["line-too-long"]).toBeGreaterThan(0);
    expect(result.violations[0]).toMatchObject({ rule: "line-too-long", line: 1 });
  });

  it("counts no readable line in an empty file or one of text, and counts a cut JSON line as readable", async () => {
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    expect(await checkAuditFile(empty, options)).toMatchObject({ lines: 0, readableLines: 0 });
    const text = join(dir, "text.jsonl");
    writeFileSync(text, "hello\nworld");
    expect(await checkAuditFile(text, options)).toMatchObject({ lines: 2, readableLines: 0 });
    const cut = join(dir, "cut-only.jsonl");
    writeFileSync(cut, '{"v":1,"seq":1,"ts":"2025-01-0');
    expect(await checkAuditFile(cut, options)).toMatchObject({ lines: 1, readableLines: 1, ok: true });
  });
});

/** 200 000 lines of concurrent traffic, produced lazily so only the checker holds memory. */
async function* bigLog(totalLines: number, onLine: (n: number) => void): AsyncGenerator<string> {
  const start = Date.UTC(2025, 0, 1);
  let seq = 0;
  const line = (ms: number, fields: Record<string, unknown>): string => {
    seq += 1;
    onLine(seq);
    return JSON.stringify({ v: 1, seq, ts: new Date(start + ms).toISOString(), ...fields });
  };
  // Four requests at a time, interleaved: request, attempt, success for each.
  for (let batch = 0; seq < totalLines; batch += 1) {
    // Yield to the event loop now and then, as a file stream would.
    if (batch % 1000 === 0) await Promise.resolve();
    const ms = batch * 10;
    const ids = [0, 1, 2, 3].map((i) => `req-${batch}-${i}`);
    for (const id of ids)
      yield line(ms, {
        event: "fallback_request",
        request_id: id,
        agent: "build",
        chain: [A, B],
        primary: A,
      });
    for (const id of ids)
      yield line(ms, {
        event: "fallback_attempt",
        request_id: id,
        agent: "build",
        model: A,
        attempt: 1,
        model_attempt: 1,
      });
    for (const id of ids)
      yield line(ms + 5, {
        event: "fallback_success",
        request_id: id,
        agent: "build",
        model: A,
        attempt: 1,
        latency_ms: 5,
        fallback: false,
      });
  }
}

describe("checkAuditStream on a long log", () => {
  it("checks 200 000 lines with heap growth bounded by the open requests, not the log", async () => {
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const result = await checkAuditStream(
      bigLog(200_004, (n) => {
        if (n % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }),
      { ...options, lastLineTerminated: () => true },
    );
    expect(result).toMatchObject({ ok: true, lines: 200_004, requests: 66_668 });
    // Keeping every line (~200 B each) would take ~40 MB of text alone, plus per-request state; the checker
    // keeps only open requests and a bounded set of finished ids.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
