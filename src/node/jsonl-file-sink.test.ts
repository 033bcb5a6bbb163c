import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEventBody } from "../audit/events.ts";
import { AuditWriter } from "../audit/writer.ts";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { JsonlFileSink, type JsonlSinkFs } from "./jsonl-file-sink.ts";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonl-sink-"));
});
afterEach(() => {
  // The read-only case leaves a 0555 directory; rm as its owner still works since its parent is writable.
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** A fake file system that fails the way a full or read-only disk does. */
function fakeFs(overrides: Partial<JsonlSinkFs> = {}): JsonlSinkFs & { writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  return {
    writes,
    mkdirSync: () => undefined,
    openSync: () => 42,
    writeSync: (_fd, buffer) => {
      writes.push(buffer);
      return buffer.length;
    },
    closeSync: () => undefined,
    ...overrides,
  };
}

/** Parses every line of a JSONL file, failing the test on a torn or interleaved one. */
function readLines(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`line ${index + 1} is not JSON: ${line.slice(0, 120)}`);
      }
    });
}

/** Every writer's lines appear complete and in its own seq order 1..n. */
function expectGaplessPerWriter(rows: Record<string, unknown>[], writers: number, perWriter: number): void {
  const seqs = new Map<string, number[]>();
  for (const row of rows) {
    const id = String(row.request_id);
    seqs.set(id, [...(seqs.get(id) ?? []), Number(row.seq)]);
  }
  expect(seqs.size).toBe(writers);
  for (const list of seqs.values()) expect(list).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
}

describe("JsonlFileSink", () => {
  it("creates missing directories and appends after what the file already holds", async () => {
    const path = join(dir, "a", "b", "log.jsonl");
    const first = JsonlFileSink.open(path);
    first.append('{"n":1}\n');
    await first.close();
    const second = JsonlFileSink.open(path);
    second.append('{"n":2}\n');
    await second.close();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n{"n":2}\n');
    expect(second.failed).toBe(false);
    expect(second.dropped).toBe(0);
  });

  it("writes each line with a single write call holding the whole UTF-8 line", () => {
    const fs = fakeFs();
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs });
    sink.append('{"agent":"büild"}\n');
    expect(fs.writes).toHaveLength(1);
    expect(Buffer.from(fs.writes[0]!).toString("utf8")).toBe('{"agent":"büild"}\n');
  });

  it("reports ENOSPC once, never throws, and counts every dropped line", () => {
    const onError = vi.fn();
    const writeSync = vi.fn((): number => {
      throw errno("ENOSPC");
    });
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs: fakeFs({ writeSync }), onError });
    for (let i = 0; i < 5; i++) expect(() => sink.append('{"n":1}\n')).not.toThrow();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "ENOSPC" }));
    expect(sink.failed).toBe(true);
    expect(sink.dropped).toBe(5);
    // After a failure the sink stops writing, so a torn line can only ever be the last one.
    expect(writeSync).toHaveBeenCalledTimes(1);
  });

  it("reports EACCES at open once and drops lines instead of throwing", () => {
    const onError = vi.fn();
    const openSync = (): number => {
      throw errno("EACCES");
    };
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs: fakeFs({ openSync }), onError });
    sink.append('{"n":1}\n');
    sink.append('{"n":2}\n');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "EACCES" }));
    expect(sink.failed).toBe(true);
    expect(sink.dropped).toBe(2);
  });

  it("treats a short write as a failure", () => {
    const onError = vi.fn();
    const fs = fakeFs({ writeSync: (_fd, buffer) => buffer.length - 1 });
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs, onError });
    sink.append('{"n":1}\n');
    sink.append('{"n":2}\n');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "ESHORTWRITE" }));
    expect(sink.dropped).toBe(2);
  });

  it("prints one line naming the code, the path and the way out when no onError is given", () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const writeSync = (): number => {
      throw errno("EROFS");
    };
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs: fakeFs({ writeSync }) });
    sink.append('{"n":1}\n');
    sink.append('{"n":2}\n');
    expect(printed).toHaveBeenCalledTimes(1);
    expect(printed).toHaveBeenCalledWith(
      "Failed to write the audit log: EROFS /logs/a.jsonl. Requests keep being served; fix the path or disk, or set fallback.audit_log to false.",
    );
  });

  it("reports a real file-system refusal without throwing", () => {
    // Root ignores permission bits, so as root a path under a regular file (ENOTDIR) stands in for EACCES.
    const asRoot = process.getuid?.() === 0;
    let path: string;
    if (asRoot) {
      writeFileSync(join(dir, "plain-file"), "");
      path = join(dir, "plain-file", "logs", "a.jsonl");
    } else {
      const readOnly = join(dir, "read-only");
      mkdirSync(readOnly, { mode: 0o555 });
      path = join(readOnly, "a.jsonl");
    }
    const onError = vi.fn();
    const sink = JsonlFileSink.open(path, { onError });
    expect(() => sink.append('{"n":1}\n')).not.toThrow();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: asRoot ? "ENOTDIR" : "EACCES" }));
    expect(sink.dropped).toBe(1);
  });

  it("closes the file once and drops lines appended after close", async () => {
    const closeSync = vi.fn();
    const fs = fakeFs({ closeSync });
    const sink = JsonlFileSink.open("/logs/a.jsonl", { fs });
    await sink.close();
    await sink.close();
    sink.append('{"n":1}\n');
    expect(closeSync).toHaveBeenCalledTimes(1);
    expect(closeSync).toHaveBeenCalledWith(42);
    expect(fs.writes).toHaveLength(0);
    expect(sink.dropped).toBe(1);
    expect(sink.failed).toBe(false);
  });

  it("never interleaves lines of many writers sharing one file in one process", async () => {
    const path = join(dir, "shared.jsonl");
    const clock = new ManualClock();
    const writers = Array.from({ length: 8 }, () => {
      const sink = JsonlFileSink.open(path);
      return { sink, writer: new AuditWriter(sink, clock) };
    });
    const perWriter = 300;
    for (let i = 0; i < perWriter; i++) {
      writers.forEach(({ writer }, w) => {
        writer.write(requestEvent(`writer-${w}`, 64 + ((i * 37 + w * 11) % 900)));
      });
    }
    await Promise.all(writers.map(({ sink }) => sink.close()));
    const rows = readLines(path);
    expect(rows).toHaveLength(8 * perWriter);
    expectGaplessPerWriter(rows, 8, perWriter);
  });

  it(
    "never interleaves lines of child processes appending to one file at once",
    { timeout: 60_000 },
    async () => {
      const path = join(dir, "shared.jsonl");
      const children = 3;
      const perChild = 2000;
      const script = `
      const [sinkModule, writerModule, clockModule, path, id, count] = process.argv.slice(1);
      const { JsonlFileSink } = await import(sinkModule);
      const { AuditWriter } = await import(writerModule);
      const { systemClock } = await import(clockModule);
      const sink = JsonlFileSink.open(path, { onError: (e) => { console.error(e.code); process.exitCode = 3; } });
      const writer = new AuditWriter(sink, systemClock);
      for (let i = 0; i < Number(count); i++) {
        writer.write({ event: "fallback_request", request_id: id, agent: "build", chain: ["openai/gpt-a"], primary: "openai/gpt-a", x_pad: "x".repeat(200 + (i * 131) % 3800) });
      }
      await sink.close();
    `;
      await Promise.all(
        Array.from({ length: children }, (_, c) =>
          run(
            process.execPath,
            [
              "--import",
              "tsx",
              "--input-type=module",
              "-e",
              script,
              join(here, "jsonl-file-sink.ts"),
              join(here, "..", "audit", "writer.ts"),
              join(here, "system-clock.ts"),
              path,
              `child-${c}`,
              String(perChild),
            ],
            { cwd: repoRoot, timeout: 50_000 },
          ),
        ),
      );
      const rows = readLines(path);
      expect(rows).toHaveLength(children * perChild);
      expectGaplessPerWriter(rows, children, perChild);
    },
  );
});

function requestEvent(id: string, padding: number): AuditEventBody {
  const model = "openai/gpt-a" as ModelId;
  return {
    event: "fallback_request",
    request_id: id,
    agent: "build",
    chain: [model],
    primary: model,
    x_pad: "y".repeat(padding),
  };
}
