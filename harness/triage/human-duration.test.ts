import { describe, expect, it } from "vitest";
import { humanDuration } from "./human-duration.ts";

describe("humanDuration", () => {
  it("is exact below a minute and two round units above", () => {
    expect([0, 250, 17_030, 60_000, 245_400, 7_259_947, 90_061_000].map(humanDuration)).toEqual([
      "0",
      "250 ms",
      "17.03 s",
      "1 min",
      "4 min 5 s",
      "2 h 1 min",
      "1 d 1 h",
    ]);
  });
});
