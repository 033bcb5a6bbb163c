import { describe, expect, it } from "vitest";
import { ClosedRequests } from "./closed-requests.ts";

describe("ClosedRequests", () => {
  it("forgets the oldest key beyond its capacity", () => {
    const closed = new ClosedRequests<number>(2);
    closed.set("a", 1);
    closed.set("b", 2);
    closed.set("c", 3);
    expect([closed.get("a"), closed.get("b"), closed.get("c"), closed.size]).toEqual([undefined, 2, 3, 2]);
  });

  it("counts a key stored again as new, so its older slot does not drop it", () => {
    const closed = new ClosedRequests<number>(2);
    closed.set("a", 1);
    closed.set("a", 2);
    closed.set("b", 3);
    expect([closed.get("a"), closed.get("b"), closed.size]).toEqual([2, 3, 2]);
    closed.set("b", 4);
    closed.set("c", 5);
    expect([closed.get("a"), closed.get("b"), closed.get("c")]).toEqual([undefined, 4, 5]);
  });

  it("stays within its capacity over many keys", () => {
    const closed = new ClosedRequests<number>(100);
    for (let i = 0; i < 10_000; i += 1) closed.set(`k${i % 333}`, i);
    expect(closed.size).toBeLessThanOrEqual(100);
    expect(closed.get("k9999")).toBeUndefined();
    expect(closed.get(`k${9999 % 333}`)).toBe(9999);
  });

  it("grows from its first slots to its capacity, keeping the last stores and forgetting the older", () => {
    const closed = new ClosedRequests<number>(1_000, 1);
    for (let i = 0; i < 2_500; i += 1) closed.set(`req-${i}`, i);
    expect(closed.size).toBe(1_000);
    expect(closed.get("req-1499")).toBeUndefined();
    expect(closed.get("req-1500")).toBe(1_500);
    expect(closed.get("req-2499")).toBe(2_499);
  });
});
