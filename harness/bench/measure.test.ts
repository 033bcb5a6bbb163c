import { describe, expect, it } from "vitest";
import { measureInRounds, type MeasureTask } from "./measure.ts";

/** Tasks that record the order they ran in, each resolving at once. */
function recordingTasks(names: readonly string[]): { tasks: MeasureTask[]; ran: string[] } {
  const ran: string[] = [];
  const tasks = names.map((name) => ({
    name,
    fn: () => {
      ran.push(name);
      return Promise.resolve();
    },
  }));
  return { tasks, ran };
}

describe("measureInRounds", () => {
  it("runs every task once per round, warm-up rounds untimed, and stops at minRounds once the time is spent", async () => {
    const { tasks, ran } = recordingTasks(["a", "b", "c"]);
    const results = await measureInRounds(tasks, {
      timeMs: 0,
      minRounds: 7,
      maxRounds: 1000,
      warmupRounds: 2,
      warmupMs: 0,
    });
    expect(ran).toHaveLength(3 * (2 + 7));
    for (const name of ["a", "b", "c"]) {
      expect(ran.filter((n) => n === name)).toHaveLength(9);
      expect(results.get(name)?.samples).toHaveLength(7);
      expect(results.get(name)?.summary.n).toBe(7);
    }
  });

  it("keeps warming up until warmupMs has passed, whatever warmupRounds says", async () => {
    const starts: number[] = [];
    const task: MeasureTask = {
      name: "task",
      fn: () => {
        starts.push(performance.now());
        return Promise.resolve();
      },
    };
    const before = performance.now();
    const results = await measureInRounds([task], {
      timeMs: 0,
      minRounds: 1,
      maxRounds: 100_000,
      warmupRounds: 1,
      warmupMs: 10,
    });
    expect(results.get("task")?.samples).toHaveLength(1);
    // The one timed run starts only once 10 ms of warm-up rounds have passed.
    expect(starts.length).toBeGreaterThan(2);
    expect((starts.at(-1) ?? 0) - before).toBeGreaterThanOrEqual(10);
  });

  it("stops at maxRounds however much time is left", async () => {
    const { tasks } = recordingTasks(["a", "b"]);
    const results = await measureInRounds(tasks, {
      timeMs: 3_600_000,
      minRounds: 1,
      maxRounds: 5,
      warmupRounds: 0,
      warmupMs: 0,
    });
    expect(results.get("a")?.samples).toHaveLength(5);
    expect(results.get("b")?.samples).toHaveLength(5);
  });

  it("varies the order, so no task always runs right after the same one", async () => {
    const { tasks, ran } = recordingTasks(["a", "b", "c", "d"]);
    await measureInRounds(tasks, { timeMs: 0, minRounds: 16, maxRounds: 16, warmupRounds: 0, warmupMs: 0 });
    const predecessors = new Map<string, Set<string>>();
    // Within each round of four, who ran just before whom.
    for (let round = 0; round < 16; round++) {
      const slice = ran.slice(round * 4, round * 4 + 4);
      expect([...slice].sort()).toEqual(["a", "b", "c", "d"]);
      for (let i = 1; i < slice.length; i++) {
        const set = predecessors.get(slice[i] as string) ?? new Set<string>();
        set.add(slice[i - 1] as string);
        predecessors.set(slice[i] as string, set);
      }
    }
    for (const name of ["a", "b", "c", "d"]) expect(predecessors.get(name)?.size).toBeGreaterThan(1);
    // Every task also opens some round: none is always measured after another.
    const openers = new Set(Array.from({ length: 16 }, (_, round) => ran[round * 4]));
    expect(openers.size).toBe(4);
  });

  it("names a task that throws instead of reporting it as fast", async () => {
    const tasks: MeasureTask[] = [
      { name: "fine", fn: () => Promise.resolve() },
      { name: "broken", fn: () => Promise.reject(new Error("boom")) },
    ];
    await expect(
      measureInRounds(tasks, { timeMs: 0, minRounds: 3, maxRounds: 3, warmupRounds: 0, warmupMs: 0 }),
    ).rejects.toThrow(/Failed to measure broken: the task threw \(boom\)/);
  });
});
