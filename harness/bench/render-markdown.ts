import { splitAboveLimit } from "./above-limit-split.ts";
import { renderProfiles } from "./render-profiles.ts";
import { CONTENDERS, FAILOVER_CASES, type BenchReport, type FailoverRow } from "./bench-report.ts";
import type { LatencySummary } from "./percentile.ts";

const ms = (x: number): string => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const dist = (s: LatencySummary): string => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;
const taken = (isTaken: boolean, text: string): string => (isTaken ? `**${text}**` : text);

function cell(row: FailoverRow | undefined): string {
  if (row === undefined) return "—";
  if (row.latency === null || row.ratio === null)
    return `✗ cannot express: ${(row.note ?? "").replace(/\|/g, "\\|")}`;
  const above = row.aboveLimitMs ?? row.latency.p50 - row.limitMs;
  return `${ms(row.latency.p50)} ms (**${row.ratio.toFixed(3)}**, ${above >= 0 ? "+" : "−"}${ms(Math.abs(above))} above its limit of ${ms(row.limitMs)})`;
}

/**
 * The bench report as Markdown: goals first, then one table per section, then the plot (a file next to the
 * report) and how every contender was set up. Latencies are p50 / p95 / p99 from retained samples.
 */
export function renderMarkdown(
  report: BenchReport,
  svgFile: string,
  contenderSetups: Readonly<Record<string, string>>,
): string {
  const out: string[] = [];
  const env = report.environment;
  out.push(
    `# Failover bench — ${report.createdAt}${report.quick ? " (quick run: numbers are a smoke test, not a measurement)" : ""}`,
    "",
  );
  out.push(
    `${env.cpuModel}, ${env.cores} cores, ${int(env.totalMemoryMb)} MB, ${env.platform}, Node ${env.node}. ` +
      `Packages: ${Object.entries(env.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}. Wall time ${report.wallSeconds.toFixed(1)} s.` +
      (env.loadAverage === undefined ? "" : ` Load average at the start: ${env.loadAverage.join(" / ")}.`),
    "",
  );
  out.push(
    "Every ratio is measured against a baseline taken in this same run. Latencies in ms as p50 / p95 / p99.",
    "",
  );

  out.push("## Goals", "", "| goal | value | met |", "|---|---|---|");
  for (const g of report.goals) out.push(`| ${g.goal} | ${g.value} | ${g.met ? "✅" : "❌"} |`);
  out.push("");

  out.push("## 1. Decision overhead (zero-cost stub calls, per request)", "");
  out.push(
    `One bare in-process mocked call (AI SDK → msw fleet, non-streaming): ${dist(report.bareMockedCall)} ms (n = ${report.bareMockedCall.n}).`,
    "",
  );
  out.push(
    "| engine | path | bare p50 µs | wrapped p50 / p95 / p99 µs | overhead µs | per attempt µs | ÷ one mocked call |",
    "|---|---|---|---|---|---|---|",
  );
  for (const r of report.overhead) {
    out.push(
      `| ${r.contender} | ${r.path} (${r.attempts} attempt${r.attempts > 1 ? "s" : ""}) | ${(r.bare.p50 * 1000).toFixed(2)} | ${(r.wrapped.p50 * 1000).toFixed(2)} / ${(r.wrapped.p95 * 1000).toFixed(2)} / ${(r.wrapped.p99 * 1000).toFixed(2)} | ${r.overheadUs.toFixed(2)} | ${r.perAttemptUs.toFixed(2)} | ${(r.ratioToMockedCall * 100).toFixed(2)} % |`,
    );
  }
  out.push("");

  out.push("## 2–3. Failover latency on the real clock, every engine on the same fleet and chain", "");
  out.push(
    "The **physical limit** is the least work any engine must do: the failing call until its failure is known, then the answering call, " +
      "done the fastest way any contender makes them, both calls in one task so they share a loop. Two ways are timed and the faster median " +
      "is the limit: the provider model's own `doGenerate` / `doStream` (no `generateText` / `streamText`, no prompt conversion, a stream " +
      "read only to its end or its first error), and the reference engine's caller port with no decision in between. " +
      "No correct contender can do less, so a ratio below 1 is noise, not a win. " +
      "Each engine runs in a Node process of its own (a user's process runs one fallback engine, not five), in rounds beside the limit's two pairs measured again there: " +
      "every task once per round, in an order that rotates, so a ratio compares samples taken side by side. " +
      "An engine's ratio and the part above are to the limit measured beside it; the *limit ms* column is the one measured in the reference's process.",
    "",
    "Cell: p50 ms (**ratio** to the limit measured beside that engine, and the part above it: that engine's own work — SDK wrapper, classification, audit, timers, body reading — then that limit, ms). The engines ran in processes minutes apart on a machine whose speed drifts, so compare their ratios, not their milliseconds. Goal for the reference: ≤ 1.05.",
    "",
  );
  for (const transport of ["inproc", "loopback"] as const) {
    out.push(`### ${transport === "inproc" ? "In process (msw)" : "Loopback (node:http on 127.0.0.1)"}`, "");
    out.push(
      `| case | limit ms | ${CONTENDERS.join(" | ")} |`,
      `|---|---|${CONTENDERS.map(() => "---").join("|")}|`,
    );
    for (const c of FAILOVER_CASES) {
      const rows = report.failover.filter((r) => r.transport === transport && r.case === c);
      if (rows.length === 0) continue;
      out.push(
        `| ${c} | ${ms(rows[0]?.limitMs ?? Number.NaN)} | ${CONTENDERS.map((id) => cell(rows.find((r) => r.contender === id))).join(" | ")} |`,
      );
    }
    out.push("");
  }
  out.push(
    "Baselines of each cell (p50 / p95 / p99 ms). *raw pair* and *caller pair* are the two candidates of the limit (the one taken is in bold). *SDK failing / answering* are the same calls through `generateText` / `streamText` " +
      "(what cockatiel, opossum and the naive loop wrap; their sum minus the limit is SDK work, not failover work). " +
      "*engine caller* is the answering call through the reference engine's own caller port (`createAiSdkCaller`) — shown to separate caller cost from decision cost:",
    "",
    "| transport | case | raw pair | caller pair | SDK failing call | SDK answering call | engine caller, answering |",
    "|---|---|---|---|---|---|---|",
  );
  for (const b of report.failoverBaselines)
    out.push(
      `| ${b.transport} | ${b.case} | ${taken(b.limitBy === "raw-pair", dist(b.rawPair))} | ${taken(b.limitBy === "engine-caller-pair", dist(b.callerPair))} | ${dist(b.bareFail)} | ${dist(b.bareOk)} | ${dist(b.engineCallerOk)} |`,
    );
  out.push("", ...referenceAboveLimit(report), "", ...renderProfiles(report));
  out.push(
    "Full distributions (p50 / p95 / p99 ms, n):",
    "",
    "| transport | case | engine | latency | n |",
    "|---|---|---|---|---|",
  );
  for (const r of report.failover)
    if (r.latency !== null)
      out.push(`| ${r.transport} | ${r.case} | ${r.contender} | ${dist(r.latency)} | ${r.latency.n} |`);
  out.push("", `![Failover latency CDF per engine](${svgFile})`, "");

  const a = report.audit;
  out.push("## 4. Audit", "", "| metric | value |", "|---|---|");
  out.push(`| log | ${int(a.lines)} lines, ${(a.bytes / 2 ** 20).toFixed(1)} MB |`);
  out.push(`| JsonlFileSink.append (one write(2) per line) | ${int(a.sinkWriteLinesPerSec)} lines/s |`);
  out.push(`| engine → writer → JsonlFileSink (stub calls) | ${int(a.engineWriteLinesPerSec)} lines/s |`);
  out.push(
    `| check (audit checker) | ${int(a.checkLinesPerSec)} lines/s, ${a.checkOk ? "clean" : `${a.checkViolations} violations`} |`,
  );
  out.push(
    `| read + JSON.parse of the same file (same run) | ${int(a.parseLinesPerSec)} lines/s; check takes **${a.checkPerParse.toFixed(2)} ×** its time |`,
  );
  out.push(`| peak during check | RSS ${a.peakRssMb} MB, heap ${a.peakHeapMb} MB |`, "");
  const suite = report.suite;
  if (suite !== undefined)
    out.push(
      "### Suite wall time per scenario",
      "",
      `${suite.scenarios} scenarios of scenarios/${suite.folder} (${suite.passed} pass), each in its own isolate: ${suite.perScenarioMs.toFixed(0)} ms per scenario = **${suite.perScenarioPerWorkerStart.toFixed(2)} ×** one bare worker start (${suite.bareWorkerStartMs.toFixed(1)} ms, median, same run).`,
      ...(suite.userEngine === undefined
        ? []
        : [
            "",
            `The same scenarios with a user's engine, \`${suite.userEngine.engine}\` (${suite.userEngine.passed} pass: it keeps its own policy), compiled once for the run and evaluated in a fresh isolate per scenario: ${suite.userEngine.perScenarioMs.toFixed(0)} ms per scenario = **${suite.userEngine.perScenarioPerWorkerStart.toFixed(2)} ×** one bare worker start.`,
          ]),
      "",
    );
  const library = report.library;
  if (library !== undefined)
    out.push(
      "### The shipped library on one core",
      "",
      `\`fallback-harness run\` of ${library.scenarios === library.shipped ? "the whole library" : `${library.scenarios} of the ${library.shipped} shipped scenarios (--quick)`} in a process of its own${library.pinned ? " pinned with `taskset -c 0`" : " (not pinned: no taskset on this machine)"}, start-up and report included; median of ${library.runs}: **${(library.wallMs / 1000).toFixed(1)} s wall**, ${(library.cpuMs / 1000).toFixed(1)} s CPU, ${library.passed}/${library.scenarios} pass; ${library.perScenarioMs.toFixed(0)} ms per scenario = **${library.perScenarioPerWorkerStart.toFixed(2)} ×** one bare worker start on the same core (${library.bareWorkerStartMs.toFixed(1)} ms, median, same run).`,
      "",
    );

  const s = report.simulation;
  out.push("## 5. Simulation", "", "| metric | value |", "|---|---|");
  out.push(
    `| day scenario | ${int(s.requests)} requests over 24 h, virtual clock, in-process fleet${s.capped ? `; wall cap reached after ${int(s.requestsSimulated)} requests` : ""} |`,
  );
  out.push(
    `| simulated | ${int(s.virtualSeconds)} virtual s in ${s.wallSeconds.toFixed(1)} wall s = **${int(s.virtualSecondsPerWallSecond)} virtual s per wall s** |`,
  );
  if (s.interceptedVirtualSecondsPerWallSecond !== undefined)
    out.push(
      `| through msw's interception | ${int(s.interceptedVirtualSecondsPerWallSecond)} virtual s per wall s (the rate above uses the direct fetch) |`,
    );
  out.push(`| served | ${(s.servedRate * 100).toFixed(2)} % |`);
  out.push(`| property cases | ${int(s.propertyCases)} at ${int(s.propertyCasesPerSec)} cases/s |`, "");

  const c = report.scale;
  out.push("## 6. Scale", "", "| metric | value |", "|---|---|");
  out.push(
    `| requests started at once | ${int(c.requests)} through one engine, shared breakers, in-process fleet |`,
  );
  out.push(
    `| outcome | ${int(c.served)} served, ${int(c.aborted)} aborted by the wall cap, ${int(c.failed)} failed, in ${(c.wallMs / 1000).toFixed(1)} s |`,
  );
  out.push(
    `| audit | ${int(c.auditLines)} lines, **${c.lostAuditLines} lost**, checker ${c.checkOk ? "clean" : `found ${c.checkViolations} violations, first: \`${(c.firstViolation ?? "").replace(/\|/g, "\\|")}\``} |`,
  );
  out.push(
    `| peak | heap ${c.peakHeapMb} MB (exact, at each collection; live after full collections ≤ ${c.liveHeapMb ?? "?"} MB, ${c.collections ?? "?"} collections), RSS ${c.peakRssMb} MB (sampled every 10 ms) |`,
  );
  const limited = c.heapLimited;
  if (limited !== undefined)
    out.push(
      limited.run === null
        ? `| heap limited to ${limited.heapLimitMb} MB (\`--max-old-space-size\`) | did not finish: ${limited.error ?? "no reason given"} |`
        : `| heap limited to ${limited.heapLimitMb} MB (\`--max-old-space-size\`) | ${int(limited.run.served)} served, ${limited.run.lostAuditLines} lost, checker ${limited.run.checkOk ? "clean" : "not clean"}, peak heap ${limited.run.peakHeapMb} MB, in ${(limited.run.wallMs / 1000).toFixed(1)} s (**${(limited.run.wallMs / c.wallMs).toFixed(2)} ×** the unlimited run) |`,
    );
  if (c.inFlight)
    out.push(
      `| live heap, all ${int(c.inFlight.requests)} waiting at the fleet (fresh process, forced full GC) | ${c.inFlight.baseHeapMb} MB + ${c.inFlight.inFlightKbPerRequest} KB per request in flight = ${Math.round(c.inFlight.baseHeapMb + (c.inFlight.inFlightKbPerRequest * c.inFlight.requests) / 1024)} MB; ${c.inFlight.settledKbPerRequest} KB per request after settling; ${c.inFlight.lostAuditLines} lost lines |`,
    );
  out.push("");

  out.push("## How each engine was set up", "");
  for (const [id, setup] of Object.entries(contenderSetups)) out.push(`- **${id}**: ${setup}`);
  out.push("");
  return out.join("\n");
}

const us = (ms: number): string => `${ms >= 0 ? "+" : "−"}${Math.abs(ms * 1000).toFixed(0)} µs`;

/** Issue 15 §1: which part of the reference's time above the limit is what (above-limit-split.ts). */
function referenceAboveLimit(report: BenchReport): string[] {
  const out = [
    "Where the reference's time above the limit goes (p50 differences of tasks timed side by side in the same rounds; the parts add up to the first column): " +
      "*caller port* is its caller pair minus the limit (0 when that pair is the limit); " +
      "*classification* the caller pair with one classification of the primary's real error between its calls, minus the caller pair " +
      "(in brackets the same classification in a warm loop: the provider calls in between take the CPU's caches, which the loop keeps); " +
      "*walk, timers* the engine with neither audit nor breakers minus that classified pair; " +
      "*breakers* the engine without audit minus the same without breakers; *audit* the reference minus the same engine with no audit sink. " +
      "Each part is a difference of two medians, each a few µs uncertain in process and tens of µs on loopback: a small negative part is that noise, shown as measured.",
    "",
    "| transport | case | above the limit | caller port | classification (warm loop) | walk, timers | breakers | audit |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const b of report.failoverBaselines) {
    const row = report.failover.find(
      (r) => r.transport === b.transport && r.case === b.case && r.contender === "reference",
    );
    if (row?.latency == null) continue;
    const split = splitAboveLimit(b, row.latency.p50);
    out.push(
      `| ${b.transport} | ${b.case} | ${us(split.total)} | ${us(split.callerPort)} | ${us(split.classification)} (${us(split.classificationWarm)}) | ${us(split.walkAndTimers)} | ${us(split.breakers)} | ${us(split.audit)} |`,
    );
  }
  return out;
}
