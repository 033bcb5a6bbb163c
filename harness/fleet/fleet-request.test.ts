import { describe, expect, it } from "vitest";
import { leanRequest, type FleetRequest } from "./fleet-request.ts";

// The lean request stands in for `new Request(input, init)` on the direct path: whatever the fleet reads of
// it must be what it would read of the `Request`.

const URL_STRING = "https://api.anthropic.fleet.test/v1/messages";
const BODY = JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] });

function sdkInit(headers: HeadersInit, signal = new AbortController().signal): RequestInit {
  return { method: "POST", headers, body: BODY, signal };
}

async function seen(request: FleetRequest, names: readonly string[]) {
  return {
    url: request.url,
    method: request.method,
    headers: names.map((name) => request.headers.get(name)),
    text: await request.text(),
  };
}

const NAMES = ["x-api-key", "X-API-KEY", "authorization", "content-type", "user-agent", "absent"];

describe("leanRequest", () => {
  it("reads like the Request the AI SDK's fetch would build: url, method, headers, body", async () => {
    const cases: [string, HeadersInit][] = [
      [URL_STRING, { "x-api-key": "k", "content-type": "application/json", "user-agent": "ai/6" }],
      // No content-type: a Request gives a string body text/plain; header values are trimmed, names folded.
      [URL_STRING, { "X-Api-Key": "  spaced  ", Authorization: "Bearer t" }],
      // Not normalised as given: the URL is parsed and serialised.
      ["HTTPS://API.Anthropic.fleet.test:443/v1/./messages?x=1#frag", [["x-api-key", "a"]]],
    ];
    for (const [input, headers] of cases) {
      const lean = leanRequest(input, sdkInit(headers));
      expect(lean).toBeDefined();
      if (lean === undefined) return;
      expect(await seen(lean, NAMES)).toEqual(await seen(new Request(input, sdkInit(headers)), NAMES));
    }
  });

  it("uses the caller's signal itself, so an abort reaches the fleet with the caller's reason", () => {
    const controller = new AbortController();
    const lean = leanRequest(URL_STRING, sdkInit({}, controller.signal));
    expect(lean?.signal).toBe(controller.signal);
    const reason = new RangeError("caller gave up");
    controller.abort(reason);
    expect(lean?.signal.reason).toBe(reason);
  });

  it("gives a call made without a signal one of its own that never aborts, as a Request would", () => {
    const first = leanRequest(URL_STRING, { method: "POST", body: BODY });
    const second = leanRequest(URL_STRING, { method: "POST", body: BODY, signal: null });
    expect(first?.signal).toBeInstanceOf(AbortSignal);
    expect(first?.signal.aborted).toBe(false);
    expect(second?.signal).toBeInstanceOf(AbortSignal);
    // Its own, not a shared one: a stalled answer's abort listener must not pile up on a signal they share.
    expect(second?.signal).not.toBe(first?.signal);
  });

  it("lets its body be read once, as a Request's", async () => {
    const lean = leanRequest(URL_STRING, sdkInit({}));
    await expect(lean?.text()).resolves.toBe(BODY);
    await expect(lean?.text()).rejects.toThrow(TypeError);
  });

  it("declines every other shape, which then gets a real Request", () => {
    const signal = new AbortController().signal;
    const declined: [Parameters<typeof fetch>[0], RequestInit | undefined][] = [
      [URL_STRING, undefined],
      [URL_STRING, { method: "POST", body: BODY, signal: "not a signal" as unknown as AbortSignal }],
      [URL_STRING, { method: "GET", signal }],
      [URL_STRING, { method: "post", body: BODY, signal }],
      [URL_STRING, { method: "POST", body: new TextEncoder().encode(BODY), signal }],
      [new URL(URL_STRING), sdkInit({})],
      [new Request(URL_STRING, sdkInit({})), undefined],
      ["https://user:pw@api.anthropic.fleet.test/v1/messages", sdkInit({})],
      ["not a url", sdkInit({})],
    ];
    for (const [input, init] of declined) expect(leanRequest(input, init)).toBeUndefined();
  });
});
