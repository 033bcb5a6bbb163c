import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AuditLogBuilder, CHAIN, servedByBackup, servedByPrimary } from "../../triage/triage-test-kit.ts";
import { recordingIo } from "../cli-test-io.ts";
import { triageCommand } from "./triage.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** A temp folder holding `name` with `content`. */
function logFile(name: string, content: string | Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "triage-cli-"));
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file };
}

/** Six requests whose primary fails with 500: the backup serves them all. */
function failingPrimary(): string {
  const log = new AuditLogBuilder();
  for (let i = 0; i < 6; i += 1) servedByBackup(log.advance(1000), `r${i}`);
  return log.toString();
}

describe("fallback-harness triage", () => {
  it("writes triage.md and triage.html, prints the summary and the paths, and exits 0", async () => {
    const { dir, file } = logFile("model-fallback.jsonl", failingPrimary());
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file, out: join(dir, "out") }, io)).toBe(0);
    expect(io.err()).toBe("");
    expect(io.out()).toContain("30 line(s), 6 request(s) over 5 s: 6 served (6 by a fallback)");
    expect(io.out()).toMatch(
      /Suggested actions \(1\):\n {4}1\. Move openai\/gpt-4\.1 behind anthropic\/claude-sonnet-4-5 in build's chain \[reorder-chain\]/,
    );
    expect(io.out()).toMatch(/Report: out\/triage\.md\n {8}out\/triage\.html\n$/);
    expect(readFileSync(join(dir, "out", "triage.md"), "utf8")).toMatch(
      /^# Triage: .*model-fallback\.jsonl\n/,
    );
    expect(readFileSync(join(dir, "out", "triage.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("writes to reports/triage-<log name>/ by default, and reads gzip", async () => {
    const { dir } = logFile(
      "model-fallback.jsonl.gz",
      gzipSync(servedByPrimary(new AuditLogBuilder(), ["a", "b"]).toString()),
    );
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file: "model-fallback.jsonl.gz" }, io)).toBe(0);
    expect(io.out()).toContain("Nothing to suggest: none of the 8 runbook rules fired.");
    expect(readFileSync(join(dir, "reports", "triage-model-fallback", "triage.md"), "utf8")).toContain(
      "# Triage: model-fallback.jsonl.gz",
    );
  });

  it("prints the findings as JSON with --json, with the report's paths", async () => {
    const { dir, file } = logFile("log.jsonl", failingPrimary());
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file, out: join(dir, "out"), json: true }, io)).toBe(0);
    const findings = JSON.parse(io.out()) as {
      totals: { requests: number };
      actions: { id: string }[];
      report: { markdown: string };
    };
    expect(findings.totals.requests).toBe(6);
    expect(findings.actions.map((a) => a.id)).toEqual(["reorder-chain"]);
    expect(findings.report.markdown).toBe(join("out", "triage.md"));
  });

  it("names the config's real paths and values with --config", async () => {
    const { dir, file } = logFile("log.jsonl", failingPrimary());
    writeFileSync(join(dir, "opencode.json"), JSON.stringify({ agent: { build: { models: CHAIN } } }));
    const io = recordingIo({}, dir);
    expect(
      await triageCommand({ file, out: join(dir, "out"), config: "opencode.json", json: true }, io),
    ).toBe(0);
    const { actions } = JSON.parse(io.out()) as { actions: { changes: unknown[] }[] };
    expect(actions[0]?.changes).toEqual([
      { path: "agent.build.models", current: CHAIN, suggested: [...CHAIN].reverse(), currentFrom: "config" },
    ]);
  });

  it("puts the reader's problems in the log quality section with their line numbers", async () => {
    const { dir, file } = logFile(
      "cut.jsonl",
      `${servedByPrimary(new AuditLogBuilder(), ["a"]).toString()}{"v":1,"seq":4,"ts":"2025-01-01T12:00:01.000Z","event":"fallback_req`,
    );
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file, out: join(dir, "out") }, io)).toBe(0);
    const md = readFileSync(join(dir, "out", "triage.md"), "utf8");
    expect(md).toMatch(/- line 4 \[partial-last-line, warning\]/);
    expect(io.out()).toContain("[keep-audit-log]");
  });

  it("exits 2 naming the file when the log is missing, without a stack trace", async () => {
    const io = recordingIo({}, mkdtempSync(join(tmpdir(), "triage-cli-")));
    expect(await triageCommand({ file: "nope.jsonl" }, io)).toBe(2);
    expect(io.err()).toMatch(
      /^fallback-harness triage: Failed to read the audit log .*nope\.jsonl: no such file\./,
    );
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for a .gz file that is not gzip", async () => {
    const { dir } = logFile("log.jsonl.gz", "this is not gzip\n");
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file: "log.jsonl.gz" }, io)).toBe(2);
    expect(io.err()).toMatch(/it is not a valid gzip stream/);
  });

  it("exits 2 for a log without one usable line, with the reader's problems", async () => {
    const { dir } = logFile("junk.jsonl", "hello\nworld\n");
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file: "junk.jsonl" }, io)).toBe(2);
    expect(io.err()).toMatch(/junk\.jsonl:1: /);
    expect(io.err()).toMatch(/it has no usable audit line \(2 line\(s\) read\)/);
  });

  it("exits 2 for an empty log, as check does", async () => {
    const { dir } = logFile("empty.jsonl", "");
    const io = recordingIo({}, dir);
    expect(await triageCommand({ file: "empty.jsonl" }, io)).toBe(2);
    expect(io.err()).toMatch(
      /Failed to triage empty\.jsonl: it has no usable audit line \(0 line\(s\) read\)/,
    );
  });

  it("exits 2 with the config's problems when --config is unusable", async () => {
    const { dir, file } = logFile("log.jsonl", failingPrimary());
    const io = recordingIo({}, dir);
    expect(
      await triageCommand({ file, config: `${root}fixtures/configs/invalid/unknown-key.json` }, io),
    ).toBe(2);
    expect(io.err()).toMatch(/unknown-key\.json/);
    expect(io.err()).toMatch(/nothing was triaged/);
  });
});
