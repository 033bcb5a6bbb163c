import { describe, expect, it } from "vitest";
import { createRandom, deriveRandom, type Random } from "./random.ts";

const draws = (random: Random, n = 4): number[] => Array.from({ length: n }, () => random.next());

// Pinned draws: one seed must give the same audit bytes on every machine and release (docs/decisions.md),
// so any change to the generator's arithmetic is a change of contract, not a refactor.
describe("createRandom", () => {
  it("draws the pinned sfc32 sequence for seeds 0 and 1", () => {
    expect(draws(createRandom(0))).toEqual([
      0.1080503910779953, 0.48646655259653926, 0.7435757895000279, 0.8958737298380584,
    ]);
    expect(draws(createRandom(1))).toEqual([
      0.1368907024152577, 0.8611914061475545, 0.5877782991155982, 0.8232402740977705,
    ]);
  });

  it("reads a seed as an unsigned 32-bit integer, so -1 and 0xffffffff are one stream", () => {
    const expected = [0.6136064485181123, 0.8616237035021186, 0.31871474464423954, 0.4510762563440949];
    expect(draws(createRandom(0xffffffff))).toEqual(expected);
    expect(draws(createRandom(-1))).toEqual(expected);
  });

  it("stays in [0, 1) with a mean near one half over many draws", () => {
    const random = createRandom(7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
  });
});

describe("deriveRandom", () => {
  it("gives each purpose its own pinned stream under one seed", () => {
    expect(draws(deriveRandom(42, "jitter"))).toEqual([
      0.8308539937715977, 0.5275586689822376, 0.6278799064457417, 0.5719126774929464,
    ]);
    expect(draws(deriveRandom(42, "openai"))).toEqual([
      0.8087164664175361, 0.8426784821785986, 0.7973018088378012, 0.5985974434297532,
    ]);
    expect(draws(deriveRandom(0, ""))).toEqual([
      0.42150638601742685, 0.6116013852879405, 0.8563516933936626, 0.8423004322685301,
    ]);
  });

  it("does not shift one purpose's draws when another purpose draws", () => {
    const alone = draws(deriveRandom(9, "latency"));
    const jitter = deriveRandom(9, "jitter");
    draws(jitter, 10);
    expect(draws(deriveRandom(9, "latency"))).toEqual(alone);
  });
});
