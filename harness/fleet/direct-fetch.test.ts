import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import type { FaultBindingInput } from "./faults.ts";
import { directFetch } from "./direct-fetch.ts";
import { createFleet, type Fleet } from "./fleet.ts";

// The direct path must look to an engine exactly like msw's interception: each case runs on both paths and
// what the caller observed (answer or error, its cause, the log) must be equal, and be what msw gives.

let open: Fleet | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

type Call = (fleet: Fleet, clock: ManualClock) => Promise<Response>;

function chat(fleet: Fleet, init: RequestInit = {}): Promise<Response> {
  return fleet.fetch(`${fleet.endpoints.openai.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${fleet.endpoints.openai.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    ...init,
  });
}

/** Everything an engine can see of one fetch, as plain data. */
async function observe(path: "intercepted" | "direct", faults: FaultBindingInput[], call: Call) {
  const clock = new ManualClock(0);
  open = await createFleet({
    clock,
    seed: 3,
    transport: "inproc",
    content: "canonical",
    faults,
    fetchPath: path,
  });
  const fleet = open;
  let seen: Record<string, unknown>;
  try {
    const response = await runOnVirtualTime(clock, call(fleet, clock));
    const text = await runOnVirtualTime(clock, response.text());
    seen = { status: response.status, type: response.type, url: response.url, ok: response.ok, text };
  } catch (error) {
    const e = error as Error & { cause?: unknown; code?: unknown };
    const cause = e.cause instanceof Response ? `Response(${e.cause.type}, ${e.cause.status})` : e.cause;
    seen = { error: e.constructor.name, name: e.name, message: e.message, code: e.code, cause };
  }
  const log = fleet.log.map((entry) => ({ outcome: entry.outcome, status: entry.status, at: entry.at }));
  await fleet.close();
  open = undefined;
  return { seen, log, now: clock.now() };
}

async function bothPaths(faults: FaultBindingInput[], call: Call) {
  const [intercepted, direct] = [
    await observe("intercepted", faults, call),
    await observe("direct", faults, call),
  ];
  expect(direct).toEqual(intercepted);
  return direct;
}

describe("the in-process fleet's direct fetch", () => {
  it("answers with msw's status, body and url", async () => {
    const { seen, log } = await bothPaths([], (fleet) => chat(fleet));
    expect(seen).toMatchObject({ status: 200, type: "default", ok: true });
    expect(seen["url"]).toBe("https://api.openai.fleet.test/v1/chat/completions");
    expect(log).toEqual([{ outcome: "ok", status: 200, at: 0 }]);
  });

  it.each(["connection_refused", "reset_before_bytes", "empty_response", "garbage_then_close"] as const)(
    "rejects a socket fault (%s) as msw does: TypeError Failed to fetch, caused by an error Response",
    async (kind) => {
      const { seen, log } = await bothPaths([{ target: "openai", fault: { kind } }], (fleet) => chat(fleet));
      expect(seen).toEqual({
        error: "TypeError",
        name: "TypeError",
        message: "Failed to fetch",
        code: undefined,
        cause: "Response(error, 0)",
      });
      expect(log).toEqual([{ outcome: "network_error", status: null, at: 0 }]);
    },
  );

  it("rejects with the signal's reason, logging nothing, when the signal is already aborted", async () => {
    const { seen, log } = await bothPaths([], (fleet) =>
      chat(fleet, { signal: AbortSignal.abort(new RangeError("gave up early")) }),
    );
    expect(seen).toMatchObject({ error: "RangeError", message: "gave up early" });
    expect(log).toEqual([]);
  });

  it("rejects at the abort, with its reason, while the fleet waits out latency; the log says aborted", async () => {
    const latency: FaultBindingInput = {
      target: "openai",
      fault: { kind: "latency", distribution: { type: "fixed", ms: "1s" } },
    };
    const { seen, log, now } = await bothPaths([latency], (fleet, clock) => {
      const controller = new AbortController();
      void clock.sleep(250).then(() => controller.abort());
      return chat(fleet, { signal: controller.signal });
    });
    expect(seen).toMatchObject({ error: "DOMException", name: "AbortError" });
    expect(now).toBe(250);
    expect(log).toEqual([{ outcome: "aborted", status: null, at: 0 }]);
  });

  it("hands a URL the fleet does not serve to the fallback (msw), untouched, and never to the handler", async () => {
    const served: string[] = [];
    const fallen: unknown[] = [];
    const fetch = directFetch({
      owns: (url) => url.startsWith("https://fleet.test/"),
      serve: (request) => {
        served.push(request.url);
        return Promise.resolve(new Response("fleet"));
      },
      fallback: (input, init) => {
        fallen.push([input, init?.method]);
        return Promise.resolve(new Response("elsewhere"));
      },
    });
    expect(await (await fetch("https://stray.test/x", { method: "PUT" })).text()).toBe("elsewhere");
    expect(await (await fetch(new URL("https://fleet.test/y"))).text()).toBe("fleet");
    expect(fallen).toEqual([["https://stray.test/x", "PUT"]]);
    expect(served).toEqual(["https://fleet.test/y"]);
  });
});
