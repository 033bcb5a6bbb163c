import { describe, expect, it } from "vitest";
import { categoryOf, profileRequests, shares, spread, type CpuProfile } from "./cpu-profile.ts";

describe("categoryOf", () => {
  it("names each frame's owner from its URL", () => {
    const root = "file:///work/project";
    expect(categoryOf(`${root}/src/classify/signals.ts`, "readLayer")).toBe("classification");
    expect(categoryOf(`${root}/src/audit/writer.ts`, "writeTail")).toBe("audit");
    expect(categoryOf(`${root}/src/breaker/breaker.ts`, "transition")).toBe("breakers");
    expect(categoryOf(`${root}/src/node/ai-sdk-caller.ts`, "next")).toBe("caller port");
    expect(categoryOf(`${root}/src/engine/failover-request.ts`, "#walk")).toBe("engine walk");
    expect(categoryOf(`${root}/harness/fleet/router.ts`, "handle")).toBe("mocked provider");
    expect(categoryOf(`${root}/node_modules/msw/lib/core/index.mjs`, "x")).toBe("mocked provider");
    expect(categoryOf(`${root}/node_modules/@ai-sdk/anthropic/dist/index.mjs`, "doStream")).toBe("AI SDK");
    expect(categoryOf(`${root}/node_modules/ai/dist/index.mjs`, "generateText")).toBe("AI SDK");
    expect(categoryOf(`${root}/node_modules/zod/v4/core/schemas.js`, "parse")).toBe("AI SDK");
    expect(categoryOf(`${root}/node_modules/cockatiel/dist/index.js`, "execute")).toBe("peer library");
    expect(categoryOf("node:internal/webstreams/readablestream", "pull")).toBe("Node streams, fetch");
    expect(categoryOf("", "(garbage collector)")).toBe("GC");
    expect(categoryOf("", "(idle)")).toBe("waiting");
    expect(categoryOf("", "(program)")).toBe("other");
    // A package's own `src/` folder is the package's, not the engine's.
    expect(categoryOf(`${root}/node_modules/ai-fallback/src/index.ts`, "x")).toBe("peer library");
  });
});

describe("shares and spread", () => {
  it("gives each owner its share of the sampled time, waiting included, and spreads a latency by them", () => {
    const frame = (id: number, url: string, functionName = "f") => ({ id, callFrame: { url, functionName } });
    const profile: CpuProfile = {
      nodes: [
        frame(1, "", "(root)"),
        frame(2, "file:///p/src/classify/classify.ts"),
        frame(3, "file:///p/src/audit/writer.ts"),
        frame(4, "", "(idle)"),
      ],
      startTime: 0,
      endTime: 1000,
      samples: [2, 2, 3, 4, 4, 1, 99],
      timeDeltas: [100, 100, 50, 400, 400, 20, 30],
    };
    // 1100 µs sampled: classification 200, audit 50, waiting 800, other 50 ((root), and a sample on a node
    // the profile does not list, which is not lost).
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

  it("gives nothing to anyone in an empty profile", () => {
    const profile: CpuProfile = { nodes: [], startTime: 0, endTime: 0, samples: [], timeDeltas: [] };
    expect(Object.values(shares(profile)).every((v) => v === 0)).toBe(true);
  });
});

describe("profileRequests", () => {
  it("profiles the requests it ran and stops the profiler even when one throws", async () => {
    const busy = (): Promise<void> => {
      let x = 0;
      for (let i = 0; i < 20_000; i++) x += Math.sqrt(i);
      return x > 0 ? Promise.resolve() : Promise.reject(new Error("unreachable"));
    };
    const { profile, requests } = await profileRequests(busy, {
      requests: 20,
      maxMs: 60_000,
      intervalUs: 100,
    });
    expect(requests).toBe(20);
    expect(profile.samples.length).toBe(profile.timeDeltas.length);
    expect(profile.nodes.length).toBeGreaterThan(0);

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
