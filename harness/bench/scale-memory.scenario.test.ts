import { describe, expect, it } from "vitest";
import { forkScaleProbe } from "./scale-probe.ts";

// Bounds with room over what the probe measures (11.1–11.6 KiB in flight, 0.9–1.3 KiB settled, per request; 12.9–13.7
// while the AI SDK caller's call, the direct fetch and the reply's delay were async frames, and 22.4 before the
// direct path stopped building a `Request` per call, issue 15 item 5, which this bound fails): the harness or
// the engine holding a `Request`, a body stream or a signal more per request in flight, or
// the fleet log or the engine keeping bodies or responses after a request settled, crosses them. Live heap
// after forced full collections in a fresh process, so neither timing nor garbage moves the numbers much.
const IN_FLIGHT_KB_PER_REQUEST = 15;
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
