import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BaselineSchema, type BenchReport } from "../../bench/bench-report.ts";
import type { BenchOutput, RunBenchOptions } from "../../bench/run-bench.ts";
import { recordingIo } from "../cli-test-io.ts";
import { EXIT } from "../io.ts";
import { benchCommand, parseBenchArgs } from "./bench.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-cli-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bench that returns fixed ratios at once, recording how it was called. */
function fakeBench(ratios: Record<string, number>): {
  runBench: (options: RunBenchOptions) => Promise<BenchOutput>;
  calls: RunBenchOptions[];
} {
  const calls: RunBenchOptions[] = [];
  return {
    calls,
    runBench: (options) => {
      calls.push(options);
      options.progress("measuring");
      return Promise.resolve({
        report: { version: 1, ratios } as unknown as BenchReport,
        markdown: "# report",
        jsonPath: "r.json",
        markdownPath: "r.md",
        svgPath: "r.svg",
      });
    },
  };
}

function writeBaseline(dir: string, content: string): string {
  const path = join(dir, "baseline.json");
  writeFileSync(path, content);
  return path;
}

describe("benchCommand --compare", () => {
  it("exits 1 when a ratio regressed beyond the threshold", async () => {
    const dir = tempDir();
    const baseline = writeBaseline(
      dir,
      JSON.stringify({ version: 1, ratios: { "failover.inproc.http-500.reference": 1.0 } }),
    );
    const io = recordingIo({ CI: "true" }, dir);
    const code = await benchCommand(
      { compare: baseline },
      io,
      fakeBench({ "failover.inproc.http-500.reference": 1.4 }),
    );
    expect(code).toBe(EXIT.checkFailed);
    expect(io.out()).toMatch(/regressed\s+failover\.inproc\.http-500\.reference/);
  });

  it("exits 0 when every ratio improved or held", async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, JSON.stringify({ version: 1, ratios: { a: 1.5, b: 1.0 } }));
    const code = await benchCommand(
      { compare: baseline },
      recordingIo({}, dir),
      fakeBench({ a: 1.0, b: 1.1 }),
    );
    expect(code).toBe(EXIT.ok);
  });

  it("honours a stricter --threshold", async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, JSON.stringify({ version: 1, ratios: { a: 1.0 } }));
    expect(
      await benchCommand({ compare: baseline, threshold: 5 }, recordingIo({}, dir), fakeBench({ a: 1.1 })),
    ).toBe(EXIT.checkFailed);
  });

  it("exits 2 with a clear message on a malformed baseline, before running the bench", async () => {
    const dir = tempDir();
    const baseline = writeBaseline(dir, JSON.stringify({ version: 1, ratios: { a: "slow" } }));
    const io = recordingIo({}, dir);
    const bench = fakeBench({});
    const code = await benchCommand({ compare: baseline }, io, bench);
    expect(code).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/Failed to read the baseline .*ratios\.a.*fallback-harness bench/);
    expect(bench.calls).toHaveLength(0);
  });

  it("exits 2 when the baseline file does not exist", async () => {
    const dir = tempDir();
    const io = recordingIo({}, dir);
    expect(await benchCommand({ compare: "missing.json" }, io, fakeBench({}))).toBe(EXIT.badInput);
    expect(io.err()).toMatch(/Failed to read the baseline missing\.json: ENOENT/);
  });

  it("exits 2 on a negative threshold", async () => {
    expect(await benchCommand({ threshold: -1 }, recordingIo(), fakeBench({}))).toBe(EXIT.badInput);
  });
});

describe("benchCommand progress", () => {
  it("prints progress on a TTY and stays quiet under CI=true", async () => {
    const tty = recordingIo({});
    const ttyIo = { ...tty, stdout: { write: (text: string) => tty.stdout.write(text), isTTY: true } };
    await benchCommand({}, ttyIo, fakeBench({}));
    expect(tty.err()).toContain("bench: measuring");
    const ci = recordingIo({ CI: "true" });
    await benchCommand(
      {},
      { ...ci, stdout: { write: (text: string) => ci.stdout.write(text), isTTY: true } },
      fakeBench({}),
    );
    expect(ci.err()).toBe("");
  });
});

describe("parseBenchArgs", () => {
  it("reads every flag", () => {
    expect(parseBenchArgs(["--quick", "--out", "o", "--compare", "b.json", "--threshold", "10"])).toEqual({
      ok: true,
      args: { quick: true, out: "o", compare: "b.json", threshold: 10 },
    });
  });

  it("refuses an unknown flag and a flag without its value", () => {
    expect(parseBenchArgs(["--fast"])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/unknown option --fast/),
    });
    expect(parseBenchArgs(["--compare"])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/--compare: it needs a value/),
    });
  });
});

describe("bench --quick", () => {
  it("writes a JSON report with every section, an SVG with one series per engine, and a Markdown report", async () => {
    const dir = tempDir();
    const io = recordingIo({ CI: "true" }, dir);
    const code = await benchCommand({ quick: true, out: "out" }, io);
    expect(code).toBe(EXIT.ok);
    const files = readdirSync(join(dir, "out")).sort();
    expect(files.map((f) => f.replace(/^.*\./, ""))).toEqual(["json", "md", "profiles", "svg"]);
    const json = files.find((f) => f.endsWith(".json")) as string;
    const report = JSON.parse(readFileSync(join(dir, "out", json), "utf8")) as BenchReport;
    // The reference's failover loop profiled in every case on both transports, as .cpuprofile files, and
    // every contender and the limit attributed by owner.
    const profiles = readdirSync(join(dir, "out", report.profileFolder ?? "")).sort();
    expect(profiles).toHaveLength(2 * 4);
    expect(profiles).toContain("failover-inproc-http-500-reference.cpuprofile");
    const profile = JSON.parse(
      readFileSync(join(dir, "out", report.profileFolder ?? "", profiles[0] ?? ""), "utf8"),
    ) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(new Set(report.failoverProfiles?.map((p) => p.subject))).toEqual(
      new Set(["limit", "reference", "ai-fallback", "cockatiel", "opossum", "naive-loop"]),
    );
    expect(report.failoverProfiles?.every((p) => p.requests > 0)).toBe(true);
    expect(BaselineSchema.safeParse(report).success).toBe(true);
    expect(report.quick).toBe(true);
    expect(report.environment.cores).toBeGreaterThan(0);
    // Five contenders and the reference with its audit off, on both paths.
    const overheadRows = new Set(report.overhead.map((r) => `${r.contender}/${r.path}`));
    expect(overheadRows.size).toBe(12);
    expect(overheadRows).toContain("reference-audit-off/success");
    expect(report.goals.map((g) => g.id)).toContain("3-overhead-audit-off-vs-breaker-peers-success");
    expect(report.failover).toHaveLength(2 * 4 * 5);
    expect(report.failoverBaselines).toHaveLength(8);
    // The limit is the faster of its two pairs; each cell has what splits the reference's time above it.
    for (const b of report.failoverBaselines) {
      expect(b.limit.p50).toBe(Math.min(b.rawPair.p50, b.callerPair.p50));
      expect(b.limitBy === "raw-pair" ? b.rawPair : b.callerPair).toEqual(b.limit);
      expect(b.classifyUs).toBeGreaterThan(0);
      expect(b.referenceAuditOff.n).toBeGreaterThan(0);
      expect(b.referenceBreakersOff.n).toBeGreaterThan(0);
      expect(b.callerPairClassified.n).toBeGreaterThan(0);
    }
    expect(report.audit.checkOk).toBe(true);
    expect(report.simulation.requests).toBeGreaterThan(0);
    expect(report.scale.lostAuditLines).toBe(0);
    // The scale run again under a V8 heap limit, in its own process.
    expect(report.scale.heapLimited?.heapLimitMb).toBe(200);
    expect(report.scale.heapLimited?.run?.served).toBe(report.scale.requests);
    // The gate holds the reference engine's ratios only: 2 overhead paths with the audit on and 2 with it
    // off + 2 transports × 4 cases, the checker and the incident reader against read + JSON.parse, and the
    // suite's wall time per scenario against a bare worker start, with the reference and with a user's
    // engine, and the shipped library's through the CLI on one core against a bare worker start on that core.
    expect(Object.keys(report.ratios)).toHaveLength(17);
    expect(Object.keys(report.ratios)).toEqual(
      expect.arrayContaining([
        "overhead.success.reference-audit-off",
        "check.time-per-read-and-json-parse",
        "replay.time-per-read-and-json-parse",
        "suite.wall-per-scenario-per-bare-worker-start",
        "suite.user-engine-wall-per-scenario-per-bare-worker-start",
        "library.wall-per-scenario-per-bare-worker-start",
      ]),
    );
    // --quick runs two shipped scenarios through the CLI: measured and reported, and the row says the goal
    // (the whole library) was not judged.
    expect(report.library).toMatchObject({ scenarios: 2, passed: 2, exitCode: 0, runs: 1 });
    expect(report.library?.shipped).toBeGreaterThan(2);
    expect(report.library?.cpuMs).toBeGreaterThan(0);
    const libraryRow = report.goals.find((g) => g.id === "7-library-one-core");
    expect(libraryRow).toMatchObject({
      met: false,
      value: expect.stringMatching(/--quick: 2 of \d+ scenarios only, not judged/),
    });
    const engineRatios = Object.keys(report.ratios).filter((k) => !/^(check|replay|suite|library)\./.test(k));
    expect(engineRatios.every((k) => /\.reference(-audit-off)?$/.test(k))).toBe(true);
    expect(Object.keys(report.peerRatios).length).toBeGreaterThan(0);
    expect(report.goals.map((g) => g.id)).toEqual(
      expect.arrayContaining(["1-overhead", "3-failover-vs-peers", "4-audit", "5-simulation", "6-scale"]),
    );
    const svg = readFileSync(join(dir, "out", json.replace(/\.json$/, ".svg")), "utf8");
    expect(svg.match(/<g class="series"/g)).toHaveLength(5);
    const markdown = readFileSync(join(dir, "out", json.replace(/\.json$/, ".md")), "utf8");
    expect(markdown).toContain(`](${json.replace(/\.json$/, ".svg")})`);
    // One row per measured reference cell in the table of where its time above the limit goes.
    const parts = markdown.split("Where the reference's time above the limit goes")[1] ?? "";
    // Its five parts and the warm loop's classification in brackets, each a signed µs figure.
    const splitRow =
      /^\| (inproc|loopback) \| [a-z0-9-]+ \| [+−]\d+ µs \| [+−]\d+ µs \| [+−]\d+ µs \([+−]\d+ µs\)( \| [+−]\d+ µs){3} \|$/gm;
    expect(parts.match(splitRow)).toHaveLength(8);
    // Every measured cell names the limit its ratio is to: the one measured in that engine's own process.
    const measured = report.failover.filter((r) => r.ratio !== null);
    const named = [...markdown.matchAll(/\(\*\*(\d+\.\d{3})\*\*, [+−][\d.]+ above its limit of ([\d.]+)\)/g)];
    expect(named).toHaveLength(measured.length);
    for (const [, ratio, limit] of named)
      expect(
        measured.some(
          (r) => r.ratio?.toFixed(3) === ratio && Math.abs(Number(limit) - r.limitMs) <= 0.01 * r.limitMs,
        ),
      ).toBe(true);
  }, 90_000);
});
