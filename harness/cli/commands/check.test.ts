import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli-test-io.ts";
import { checkCommand } from "./check.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const audit = `${root}fixtures/audit/`;

describe("fallback-harness check", () => {
  it("exits 0 and says so for a clean log", async () => {
    const io = recordingIo();
    expect(await checkCommand({ file: `${audit}good/served-first-try.jsonl` }, io)).toBe(0);
    expect(io.out()).toMatch(/✓ .*served-first-try\.jsonl: 3 line\(s\), 1 request\(s\), no violations/);
  });

  it("exits 1 with the first violation, its line, the lines that led to it and counts per rule", async () => {
    const io = recordingIo();
    expect(await checkCommand({ file: `${audit}bad/action-mismatch.jsonl` }, io)).toBe(1);
    const out = io.out();
    expect(out).toMatch(/First violation:\n\s+line 3 \[action-mismatch\]: action retry for auth/);
    expect(out).toMatch(/lines that led to it:\n\s+1 {2}\{"v":1,"seq":1/);
    expect(out).toMatch(/Violations by rule:\n\s+action-mismatch\s+1/);
  });

  it("prints a machine-readable result with --json", async () => {
    const io = recordingIo();
    expect(await checkCommand({ file: `${audit}bad/seq-gap.jsonl`, json: true }, io)).toBe(1);
    const result = JSON.parse(io.out()) as {
      ok: boolean;
      counts: Record<string, number>;
      firstViolation: { line: number };
    };
    expect(result).toMatchObject({ ok: false, counts: { "seq-gap": 1 }, firstViolation: { line: 3 } });
  });

  it("checks chains against a config given with --config", async () => {
    const io = recordingIo();
    expect(
      await checkCommand(
        { file: `${audit}bad/chain-mismatch.jsonl`, config: `${audit}configs/chains.json` },
        io,
      ),
    ).toBe(1);
    expect(io.out()).toMatch(/chain-mismatch/);
  });

  it("exits 0 with a warning for a log cut mid-line", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "check-cli-")), "cut.jsonl");
    writeFileSync(path, '{"v":1,"seq":1,"ts":"2025-01-01T00:00:00.000Z","event":"fallback_req');
    const io = recordingIo();
    expect(await checkCommand({ file: path }, io)).toBe(0);
    expect(io.out()).toMatch(/Warnings:\n\s+line 1 \[partial-last-line\]/);
  });

  it("exits 2 naming the file for an empty log, and for a log with no JSON line (SPEC §11)", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "check-cli-"));
    const empty = join(tmp, "empty.jsonl");
    writeFileSync(empty, "");
    const io = recordingIo();
    expect(await checkCommand({ file: empty }, io)).toBe(2);
    expect(io.err()).toMatch(/^fallback-harness check: Failed to check .*empty\.jsonl: the file is empty/);
    expect(io.out()).toBe("");
    for (const [name, body] of [
      ["text.jsonl", "hello\nworld\n"],
      ["one-word.jsonl", "hello"],
    ] as const) {
      const path = join(tmp, name);
      writeFileSync(path, body);
      const textIo = recordingIo();
      expect(await checkCommand({ file: path, json: true }, textIo)).toBe(2);
      expect(textIo.err()).toMatch(
        new RegExp(`Failed to check .*${name.replace(".", "\\.")}: none of its \\d line\\(s\\) is JSON`),
      );
      expect(textIo.err()).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 1 for a line over the length bound, naming its line and length, and checks the rest", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "check-cli-"));
    const path = join(tmp, "long.jsonl");
    const good = readFileSync(`${audit}good/served-first-try.jsonl`, "utf8");
    writeFileSync(path, `${good}${"x".repeat(2 * 1024 * 1024)}\n`);
    const io = recordingIo();
    expect(await checkCommand({ file: path }, io)).toBe(1);
    expect(io.out()).toMatch(
      /line 4 \[line-too-long\]: the line is 2097152 bytes long, over the limit of 1048576 bytes/,
    );
  });

  it("exits 2 naming the file when the log is missing, without a stack trace", async () => {
    const io = recordingIo();
    expect(await checkCommand({ file: `${audit}nope.jsonl` }, io)).toBe(2);
    expect(io.err()).toMatch(/Failed to read the audit log .*nope\.jsonl: no such file/);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("exits 2 with the config's problems when --config is unusable", async () => {
    const io = recordingIo();
    expect(
      await checkCommand(
        {
          file: `${audit}good/served-first-try.jsonl`,
          config: `${root}fixtures/configs/invalid/unknown-key.json`,
        },
        io,
      ),
    ).toBe(2);
    expect(io.err()).toMatch(/unknown-key\.json/);
    expect(io.err()).toMatch(/nothing was checked/);
  });
});
