import { describe, expect, it } from "vitest";
import { frameKind, profileRequests, shares, spread, type CpuProfile } from "./cpu-profile.ts";

describe("frameKind", () => {
  it("names each frame's owner from its URL", () => {
    const root = "file:///work/project";
    expect(frameKind(`${root}/src/classify/signals.ts`, "readLayer")).toBe("classification");
    expect(frameKind(`${root}/src/audit/writer.ts`, "writeTail")).toBe("audit");
    expect(frameKind(`${root}/src/breaker/breaker.ts`, "transition")).toBe("breakers");
    expect(frameKind(`${root}/src/node/ai-sdk-caller.ts`, "next")).toBe("caller port");
    expect(frameKind(`${root}/src/engine/failover-request.ts`, "#walk")).toBe("engine walk");
    expect(frameKind(`${root}/harness/fleet/router.ts`, "handle")).toBe("mocked provider");
    expect(frameKind(`${root}/node_modules/msw/lib/core/index.mjs`, "x")).toBe("mocked provider");
    expect(frameKind(`${root}/node_modules/@ai-sdk/anthropic/dist/index.mjs`, "doStream")).toBe("AI SDK");
    expect(frameKind(`${root}/node_modules/ai/dist/index.mjs`, "generateText")).toBe("AI SDK");
    expect(frameKind(`${root}/node_modules/zod/v4/core/schemas.js`, "parse")).toBe("AI SDK");
    expect(frameKind(`${root}/node_modules/cockatiel/dist/index.js`, "execute")).toBe("peer library");
    // Node's modules and V8's builtins serve their caller; the inspector is the profiler stopping.
    expect(frameKind("node:internal/webstreams/readablestream", "pull")).toBe("unowned");
    expect(frameKind("", "parse")).toBe("unowned");
    expect(frameKind("node:inspector", "post")).toBe("profiler");
    expect(frameKind("", "(garbage collector)")).toBe("GC");
    expect(frameKind("", "(idle)")).toBe("waiting");
    expect(frameKind("", "(program)")).toBe("other");
    expect(frameKind("", "(root)")).toBe("root");
    // A package's own `src/` folder is the package's, not the engine's.
    expect(frameKind(`${root}/node_modules/ai-fallback/src/index.ts`, "x")).toBe("peer library");
  });
});

/** A profile node; `children` lists the frames it called. */
const frame = (id: number, url: string, functionName = "f", children: number[] = []) => ({
  id,
  callFrame: { url, functionName },
  children,
});

describe("shares and spread", () => {
  it("gives each owner its share of the sampled time, waiting included, and spreads a latency by them", () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, "", "(root)", [2, 3, 4, 5]),
        frame(2, "file:///p/src/classify/classify.ts"),
        frame(3, "file:///p/src/audit/writer.ts"),
        frame(4, "", "(idle)"),
        frame(5, "", "(program)"),
      ],
      startTime: 0,
      endTime: 1000,
      samples: [2, 2, 3, 4, 4, 5, 99],
      timeDeltas: [100, 100, 50, 400, 400, 20, 30],
    };
    // 1100 µs sampled: classification 200, audit 50, waiting 800, other 50 ((program), and a sample on a
    // node the profile does not list, which is not lost).
    const fractions = shares(profile);
    expect(fractions.classification).toBeCloseTo(200 / 1100, 12);
    expect(fractions.audit).toBeCloseTo(50 / 1100, 12);
    expect(fractions.waiting).toBeCloseTo(800 / 1100, 12);
    expect(fractions.other).toBeCloseTo(50 / 1100, 12);
    expect(Object.values(fractions).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const us = spread(fractions, 2200);
    expect(us.classification).toBeCloseTo(400, 9);
    expect(us.waiting).toBeCloseTo(1600, 9);
    expect(Object.values(us).reduce((a, b) => a + b, 0)).toBeCloseTo(2200, 9);
  });

  it("charges Node's and V8's frames to the owned code that called them, and leaves the profiler out", () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, "", "(root)", [2, 6, 8]),
        frame(2, "file:///p/src/engine/watchdog-hub.ts", "arm", [3]),
        frame(3, "node:internal/timers", "setTimeout", [4]),
        frame(4, "", "toggleTimerRef"),
        frame(6, "node:internal/process/task_queues", "processTicksAndRejections", [7]),
        frame(7, "file:///p/node_modules/@ai-sdk/openai/dist/index.mjs", "doGenerate", [9]),
        frame(9, "", "parse"),
        frame(8, "node:inspector", "post", [10]),
        frame(10, "", "dispatch"),
      ],
      startTime: 0,
      endTime: 1000,
      samples: [3, 4, 6, 9, 7, 10, 8],
      timeDeltas: [10, 30, 20, 25, 15, 500, 100],
    };
    const fractions = shares(profile);
    // The engine's timer: 40 of 100 µs; the SDK's JSON.parse and its own frame: 40; the loop itself: 20.
    expect(fractions["engine walk"]).toBeCloseTo(0.4, 12);
    expect(fractions["AI SDK"]).toBeCloseTo(0.4, 12);
    expect(fractions["Node internals"]).toBeCloseTo(0.2, 12);
    expect(Object.values(fractions).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("gives nothing to anyone in an empty profile", () => {
    const profile: CpuProfile = { nodes: [], startTime: 0, endTime: 0, samples: [], timeDeltas: [] };
    expect(Object.values(shares(profile)).every((v) => v === 0)).toBe(true);
  });
});

describe("profileRequests", () => {
  it("profiles the requests it ran and stops the profiler even when one throws", async () => {
    const busy = (): Promise<void> => {
      let x = 0;
      for (let i = 0; i < 200_000; i++) x += Math.sqrt(i);
      return x > 0 ? Promise.resolve() : Promise.reject(new Error("unreachable"));
    };
    const { profile, requests } = await profileRequests(busy, {
      requests: 20,
      maxMs: 60_000,
      intervalUs: 100,
    });
    expect(requests).toBe(20);
    // The requests' own work was sampled: milliseconds of it at a 100 µs interval.
    expect(profile.nodes.some((node) => node.callFrame.functionName === "busy")).toBe(true);

    let calls = 0;
    const failing = (): Promise<void> =>
      ++calls === 3 ? Promise.reject(new Error("the third request failed")) : Promise.resolve();
    await expect(profileRequests(failing, { requests: 10, maxMs: 60_000, intervalUs: 100 })).rejects.toThrow(
      "the third request failed",
    );
    // The profiler was stopped: a new profile can start.
    const again = await profileRequests(busy, { requests: 2, maxMs: 60_000, intervalUs: 100 });
    expect(again.requests).toBe(2);
  });
});
