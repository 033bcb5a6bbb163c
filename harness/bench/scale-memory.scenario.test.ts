import { describe, expect, it } from "vitest";
import { forkScaleProbe } from "./scale-probe.ts";

// Bounds with room over what the probe measures today (22.4 KiB in flight, 1.6 KiB settled, per request;
// see the H7 report): a request's in-flight state doubling, or the fleet log or the engine starting to keep
// bodies or responses after a request settled, crosses them. Live heap after forced full collections in a
// fresh process, so neither timing nor garbage moves the numbers much.
const IN_FLIGHT_KB_PER_REQUEST = 40;
const SETTLED_KB_PER_REQUEST = 3;

describe("2,000 concurrent requests through one engine", () => {
  it("lose no audit line and hold a bounded heap per request in flight and after", async () => {
    const probe = await forkScaleProbe(2_000);
    console.log(`scale probe: ${JSON.stringify(probe)}`);
    expect(probe.lostAuditLines).toBe(0);
    expect(probe.served).toBe(2_000);
    expect(probe.inFlightKbPerRequest).toBeLessThan(IN_FLIGHT_KB_PER_REQUEST);
    expect(probe.settledKbPerRequest).toBeLessThan(SETTLED_KB_PER_REQUEST);
  }, 170_000);
});
