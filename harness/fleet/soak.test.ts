import { describe, expect, it } from "vitest";
import { soakFleet } from "./soak.ts";

describe("the bounded soak", () => {
  it.each(["inproc", "loopback"] as const)(
    "serves 500 streaming requests over %s and reports the heap",
    async (transport) => {
      const report = await soakFleet({ transport, requests: 500 });
      expect(report.statuses).toEqual({ "200": 500 });
      expect(report.heapBeforeBytes).toBeGreaterThan(0);
      expect(report.heapGrowthBytes).toBe(report.heapAfterBytes - report.heapBeforeBytes);
      // Without a forced GC the figure is noisy; 64 MB over 500 requests would still mean a leak of ~130 KB each.
      expect(report.heapGrowthBytes).toBeLessThan(64 * 1024 * 1024);
    },
    60_000,
  );
});
