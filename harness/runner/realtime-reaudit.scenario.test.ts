import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parityMatrix } from "../report/parity.ts";
import { runSuite } from "./run-suite.ts";

// DECISION_118's re-audit on real time: a FAIL is run again with the same seed, but wall-clock timings make
// the bytes differ between runs, so only the verdicts can be compared; and a re-run costs as much wall time
// as the first run, so it comes after every scenario has run, within what is left of the budget.

const root = fileURLToPath(new URL("../../", import.meta.url));
// The plain loop falls back on a 400 invalid request: a conformance FAIL, reproducible, in about a second.
const SCENARIO = `${root}scenarios/errors/invalid-request-400-fails.yaml`;
const PLAIN_LOOP = pathToFileURL(`${root}examples/engines/plain-fetch-loop.ts`).href;
const engine = { kind: "isolated", module: PLAIN_LOOP, name: null } as const;

describe("the re-audit of a FAIL on real time", () => {
  it("re-runs it with the same seed and compares the verdicts, not the bytes", async () => {
    const suite = await runSuite({ paths: [SCENARIO], cwd: root, engine, clock: "real" });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    const [outcome] = suite.outcomes;
    expect(outcome?.verdict.verdict).toBe("fail");
    expect(outcome?.reaudit).toEqual({
      verdict: "fail",
      deterministic: true,
      note: expect.stringContaining("bytes not compared") as string,
    });
    // The same-seed bytes differ on real time (timestamps): compared, they would call it non-determinism.
    const row = parityMatrix(suite.outcomes).find((p) => p.id === "DECISION_118");
    expect(row?.evidence.join(" ")).toContain("1 failure(s) re-run with the same seed, 0 non-deterministic");
  });

  it("does not re-run it when the budget left cannot hold a second run, and says why", async () => {
    // The wall clock jumps a minute once the first run is over: the 30 s budget is spent.
    let now = 0;
    const suite = await runSuite({
      paths: [SCENARIO],
      cwd: root,
      engine,
      clock: "real",
      realtimeBudgetMs: 30_000,
      wallNow: () => now,
      onScenario: () => void (now += 60_000),
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    const [outcome] = suite.outcomes;
    expect(outcome?.verdict.verdict).toBe("fail");
    expect(outcome?.reaudit?.verdict).toBeNull();
    expect(outcome?.reaudit?.note).toMatch(
      /^not re-run: .* more than the 0 ms left of the 30000 ms real-time budget/,
    );
    const row = parityMatrix(suite.outcomes).find((p) => p.id === "DECISION_118");
    expect(row?.status).toBe("PARTIAL");
    expect(row?.evidence).toContain("1 real-time failure(s) not re-run (budget)");
  });
});
