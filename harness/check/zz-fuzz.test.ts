import { it, expect } from "vitest";
import { createEngine } from "../../src/engine/engine.ts";
import { MemoryAuditSink } from "../../src/audit/memory-sink.ts";
import { parseConfig } from "../../src/config/parse-config.ts";
import { settingsFor } from "../../src/config/settings-for.ts";
import { ManualClock } from "../../src/core/clock.ts";
import { createRandom } from "../../src/core/random.ts";
import { ScriptedCaller, step, type ScriptStep } from "../../src/engine/scripted-caller.ts";
import { A, B, C, connectionReset, httpError } from "../../src/engine/engine-test-kit.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import { checkAuditStream } from "./check-audit.ts";
import { linesOf } from "./audit-log-builder.ts";

function pick<T>(r: { next(): number }, items: readonly T[]): T { return items[Math.floor(r.next() * items.length)]!; }

it("fuzz", async () => {
  const seeds = Number(process.env.FUZZ_SEEDS ?? 300);
  const failures: string[] = []; const stats: Record<string, number> = {};
  for (let seed = 1; seed <= seeds; seed++) {
    const r = createRandom(seed);
    const raw = {
      model: A,
      fallback: {
        chains: { default: pick(r, [[A, B, C], [A, B], [A]]) },
        max_retries: pick(r, [0, 1, 2]),
        circuit_breaker: { failure_threshold: pick(r, [1, 2, 3]), cooldown_ms: pick(r, [500, 5000, 60000]), half_open_probes: pick(r, [1, 2]), success_threshold: pick(r, [1, 2]), window_ms: pick(r, [1000, 3600000]), enabled: r.next() < 0.9 },
        on_all_open: pick(r, ["probe_soonest", "bypass", "fail_fast"] as const),
        deadline_ms: pick(r, [3000, 20000, 600000]),
        mid_stream: pick(r, ["restart", "fail"] as const),
        promote_on_success: r.next() < 0.5,
        sticky_ms: pick(r, [1000, 900000]),
        enabled: r.next() < 0.93,
        ttft_timeout_ms: 4000, stall_timeout_ms: 3000,
      },
    };
    const parsed = parseConfig(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const gen = (): ScriptStep[] => Array.from({ length: 12 }, () => pick(r, [
      step.ok("hi", 100), step.ok("hi", 0), step.fail(httpError(500), 50), step.fail(httpError(429, {}, { "retry-after": "1" })), step.fail(httpError(429, {}, { "retry-after": "120" })),
      step.fail(httpError(503)), step.fail(httpError(401)), step.fail(httpError(404)), step.fail(httpError(400)), step.fail(httpError(413, { error: { code: "context_length_exceeded", message: "too long" } })),
      step.fail(connectionReset(), 200), step.cutAfter(["par"], connectionReset()), step.hang(), step.hang(["x"]), step.stream(["a", "b"], 10),
    ]));
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const caller = new ScriptedCaller(clock, { [A]: gen(), [B]: gen(), [C]: gen() });
    const sink = new MemoryAuditSink();
    const compact = r.next() < 0.5 ? async ({ prompt }: { prompt: unknown }) => prompt as never : undefined;
    const engine = createEngine(parsed.config, { clock, random: createRandom(seed + 1000), caller, audit: sink, validateAudit: true, ...(compact ? { compact } : {}) });
    const n = 1 + Math.floor(r.next() * 8);
    const starts = Array.from({ length: n }, () => Math.floor(r.next() * 10000));
    const stream = r.next() < 0.5;
    const work = Promise.allSettled(starts.map((s) => clock.sleep(s, new AbortController().signal).then(() => engine.run({ agent: "build", prompt: "hi", stream }))));
    await runOnVirtualTime(clock, work);
    const config = parsed.config;
    const lines = sink.lines.map((l) => l.replace(/\n$/, ""));
    const res = await checkAuditStream(linesOf(lines), { settingsFor: (a) => settingsFor(config, a), config, lastLineTerminated: () => true });
    for (const l of lines) { const e = JSON.parse(l); const k = e.event === "circuit_transition" ? `${e.from}>${e.to}:${e.cause === "probe_forced" || e.cause==="cooldown_elapsed" || e.cause==="probe_success" ? e.cause : "x"}` : e.event === "fallback_failure" ? `fail:${e.action}` : e.event === "fallback_exhausted" ? `exh:${e.reason}` : e.event === "fallback_model_skipped" ? `skip:${e.reason}` : e.event; stats[k] = (stats[k] ?? 0) + 1; }
    if (!res.ok) failures.push(`seed ${seed} ${JSON.stringify(raw.fallback)}\n` + res.violations.slice(0, 4).map((v) => `  ${v.line} ${v.rule}: ${v.message}`).join("\n") + "\n" + lines.map((l, i) => `   ${i + 1} ${l}`).join("\n"));
  }
  console.log(JSON.stringify(stats));
  console.log(`${failures.length} of ${seeds} seeds fail`);
  for (const f of failures.slice(0, 6)) console.log(f);
  expect(true).toBe(true);
}, 120_000);
