import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExecutionRecords } from "../../runner/execute-scenario.ts";
import { VIRTUAL_START_MS } from "../../runner/execute-scenario.ts";
import { scenarioSchema } from "../../scenario/schema.ts";
import { superviseIsolate } from "../supervise-isolate.ts";

// Engines that wait on real timers the way libraries do (issue 13 item 1), run in the isolate as the CLI runs
// them: their setTimeout, setInterval, timers/promises and Date must follow the scenario's virtual clock.

const here = dirname(fileURLToPath(import.meta.url));
const CHAIN = { default: ["openai/gpt-4.1", "openai/gpt-4o-mini"] };

function scenario(id: string, traffic: object, faults: object[]) {
  return scenarioSchema.parse({
    id,
    title: id,
    description: "An engine on real timers, on the scenario's virtual clock.",
    config: { model: "openai/gpt-4.1", fallback: { chains: CHAIN } },
    traffic: [{ stream: false, ...traffic }],
    faults,
  });
}

async function run(
  engine: string,
  s: ReturnType<typeof scenario>,
): Promise<{ records: ExecutionRecords; faults: string[] }> {
  const outcome = await superviseIsolate({
    scenario: s,
    file: join(here, "real-timers.scenario.test.ts"),
    seed: 7,
    transport: "inproc",
    engineModule: pathToFileURL(join(here, "engines", `${engine}.ts`)).href,
  });
  if (outcome.kind !== "done") throw new Error(`${engine}: ${JSON.stringify(outcome)}`);
  return { records: outcome.records, faults: [...outcome.records.engineFaults, ...outcome.faults] };
}

/** Fleet calls as `model@ms since the start`. */
function calls(records: ExecutionRecords): string[] {
  return records.fleetCalls.map((c) => `${c.model}@${c.at - records.startMs}`);
}

const serverErrors = (model: string, when: object) => ({
  target: model,
  fault: { kind: "http_error", reason: "server_error" },
  when,
});

describe("engines on real timers run on the scenario's virtual clock", () => {
  const backoff = scenario("sdk-backoff", { count: 1 }, [serverErrors("openai/gpt-4.1", { times: 2 })]);

  it("an SDK-style 128 ms backoff: no hang, retries at 128 and 384 ms, Date.now is the scenario clock", async () => {
    const { records, faults } = await run("sdk-backoff", backoff);
    expect(records.requests.map((r) => [r.outcome, r.model, r.attempts])).toEqual([
      ["success", "openai/gpt-4.1", 3],
    ]);
    expect(calls(records)).toEqual(["openai/gpt-4.1@0", "openai/gpt-4.1@128", "openai/gpt-4.1@384"]);
    const stamps = records.auditText
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { date_now: number; new_date: number; clock: number });
    expect(stamps.map((s) => s.clock - VIRTUAL_START_MS)).toEqual([0, 128, 384]);
    for (const s of stamps) expect([s.date_now, s.new_date]).toEqual([s.clock, s.clock]);
    expect(faults).toEqual([]);
  }, 120_000);

  it("is deterministic: the same seed gives the same audit and fleet bytes", async () => {
    const [a, b] = [await run("sdk-backoff", backoff), await run("sdk-backoff", backoff)];
    expect(a.records.auditText).not.toBe("");
    expect(b.records.auditText).toBe(a.records.auditText);
    expect(b.records.fleetLogText).toBe(a.records.fleetLogText);
  }, 120_000);

  it("a setInterval reset (ai-fallback's pattern) returns to the primary; the leaked interval is reported", async () => {
    const s = scenario("interval-reset", { count: 16, every: "5s" }, [
      serverErrors("openai/gpt-4.1", { until: "40s" }),
    ]);
    const { records, faults } = await run("interval-reset", s);
    const served = records.requests.map((r) => `${r.sentAt}:${r.outcome}:${r.model}`);
    expect(served.filter((r) => !r.includes(":success:"))).toEqual([]);
    // Stuck on the fallback after the first failure, back on the primary once the minute's reset fired.
    expect(served.slice(1, 12).every((r) => r.endsWith("openai/gpt-4o-mini"))).toBe(true);
    expect(served.slice(13)).toEqual([
      "65000:success:openai/gpt-4.1",
      "70000:success:openai/gpt-4.1",
      "75000:success:openai/gpt-4.1",
    ]);
    // The 250 ms pause from node:timers/promises, on the virtual clock.
    expect(calls(records).slice(0, 2)).toEqual(["openai/gpt-4.1@0", "openai/gpt-4o-mini@250"]);
    // The supervisor may add where the isolate was when it saw the fault ("(while close was running)").
    expect(faults).toEqual([
      expect.stringContaining(
        "leaked-handles: after close the engine left 1 Timeout (virtual, 60000 ms interval) running",
      ),
    ]);
  }, 120_000);

  it("cockatiel unmodified (retry + breaker half-open + timeout): no hang, back on the primary after it heals", async () => {
    const s = scenario("cockatiel", { count: 20, every: "5s" }, [
      serverErrors("openai/gpt-4.1", { until: "40s" }),
    ]);
    const first = await run("cockatiel-composition", s);
    const { records } = first;
    expect(records.requests.every((r) => r.outcome === "success")).toBe(true);
    const primary = records.fleetCalls
      .filter((c) => c.model === "openai/gpt-4.1")
      .map((c) => c.at - records.startMs);
    // Two failures open the breaker at once; its half-open probe comes only after 30 s of virtual Date.now.
    expect(primary.slice(0, 2)).toEqual([0, 128]);
    expect(primary[2]).toBeGreaterThanOrEqual(30_128);
    expect(records.requests.at(-1)?.model).toBe("openai/gpt-4.1");
    expect(first.faults).toEqual([]);
    const again = await run("cockatiel-composition", s);
    expect(again.records.fleetLogText).toBe(records.fleetLogText);
  }, 120_000);

  it("the openai SDK's own retries (real-timer backoff) are not a hang", async () => {
    const { records, faults } = await run("openai-sdk", backoff);
    expect(records.requests.map((r) => [r.outcome, r.model])).toEqual([["success", "openai/gpt-4.1"]]);
    const at = records.fleetCalls.map((c) => c.at - records.startMs);
    expect(at).toHaveLength(3);
    // The SDK's backoff: about 0.5 s then 1 s, less up to 25 % jitter; virtual, so the test takes no longer.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(375);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(750);
    expect(records.requests[0]?.endedAt).toBeLessThan(3_000);
    expect(faults).toEqual([]);
  }, 120_000);

  it("keeps the clock running after the last request (the drain): late calls reach the fleet record", async () => {
    const s = scenario("late-calls", { count: 1 }, []);
    const { records, faults } = await run("late-calls", s);
    expect(records.requests.map((r) => [r.outcome, r.endedAt])).toEqual([["success", 0]]);
    // The 45 s retry lands within the drain (the config's longest wait); the 2 h one is past any drain.
    expect(calls(records)).toEqual(["openai/gpt-4.1@0", "openai/gpt-4.1@45000"]);
    expect(faults).toEqual([
      expect.stringContaining(
        "leaked-handles: after close the engine left 1 Timeout (virtual, 7200000 ms) running",
      ),
    ]);
  }, 120_000);

  it("ai-fallback unmodified returns to its primary once its reset interval has passed on Date.now", async () => {
    const s = scenario("ai-fallback", { count: 16, every: "5s" }, [
      serverErrors("openai/gpt-4.1", { until: "40s" }),
    ]);
    const { records } = await run("ai-fallback", s);
    const served = records.requests.map((r) => `${r.sentAt}:${r.outcome}:${r.model}`);
    expect(served.filter((r) => !r.includes(":success:"))).toEqual([]);
    expect(served.filter((r) => r.endsWith("gpt-4o-mini")).length).toBeGreaterThanOrEqual(11);
    expect(served.slice(12)).toEqual([
      "60000:success:openai/gpt-4.1",
      "65000:success:openai/gpt-4.1",
      "70000:success:openai/gpt-4.1",
      "75000:success:openai/gpt-4.1",
    ]);
  }, 120_000);
});
