import { describe, expect, it } from "vitest";
import { TopK } from "./top-k.ts";

describe("TopK", () => {
  it("keeps the k best in rank order whatever the arrival order", () => {
    const byValue = (a: number, b: number): number => a - b;
    const one = new TopK(3, byValue);
    const two = new TopK(3, byValue);
    for (const v of [5, 1, 9, 7, 3]) one.offer(v);
    for (const v of [3, 7, 9, 1, 5]) two.offer(v);
    expect(one.items()).toEqual([9, 7, 5]);
    expect(two.items()).toEqual([9, 7, 5]);
  });
});
