import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import { DEFAULT_CANONICAL_TEXT } from "./content.ts";
import { createFleet, FleetOptionsError, type Fleet, type FleetOptions } from "./fleet.ts";
import { aiSdkClients, observe } from "./fleet-test-kit.ts";
import type { FleetTransport } from "./respond.ts";

/** Mechanics of the fleet: routing, keys, the request log, schedules on the wire, time and raw framing. */

const TRANSPORTS: readonly FleetTransport[] = ["inproc", "loopback"];
let open: Fleet | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(
  options: Partial<FleetOptions> & { transport: FleetTransport },
): Promise<{ fleet: Fleet; clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  // One fixed text for every model unless a test asks otherwise: these tests count its frames.
  open = await createFleet({
    seed: 1,
    content: "canonical",
    canonicalText: DEFAULT_CANONICAL_TEXT,
    ...options,
    clock,
  });
  return { fleet: open, clock };
}

/** POSTs a chat completion straight to the fleet; resolves when the status line and headers arrive. */
function chat(fleet: Fleet, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fleet.fetch(`${fleet.endpoints.openai.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${fleet.endpoints.openai.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** POSTs a chat completion straight to the fleet and reads the raw body. */
async function rawChat(
  fleet: Fleet,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers; chunks: number }> {
  const response = await fleet.fetch(`${fleet.endpoints.openai.baseURL}/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${fleet.endpoints.openai.apiKey}`,
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    chunks += 1;
    text += decoder.decode(next.value, { stream: true });
  }
  return { status: response.status, text, headers: response.headers, chunks };
}

describe.each(TRANSPORTS)("the fleet's mechanics over %s", (transport) => {
  it("answers an unknown model with the provider's own 404 and logs it", async () => {
    const { fleet } = await start({ transport });
    const reply = await rawChat(fleet, { model: "gpt-9", messages: [] });
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.text)).toEqual({
      error: {
        message: "The model `gpt-9` does not exist or you do not have access to it.",
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      },
    });
    expect(fleet.log[0]).toMatchObject({
      seq: 1,
      provider: "openai",
      model: "openai/gpt-9",
      status: 404,
      outcome: "error",
      fault: null,
      completed: true,
    });
  });

  it("answers a wrong key with the provider's auth error", async () => {
    const { fleet } = await start({ transport });
    const reply = await rawChat(
      fleet,
      { model: "gpt-4o", messages: [] },
      { authorization: "Bearer sk-wrong" },
    );
    expect(reply.status).toBe(401);
    expect(reply.text).toContain("invalid_api_key");
  });

  it("logs every request in order with its id, time, bytes and completion", async () => {
    const { fleet, clock } = await start({ transport });
    const first = await rawChat(fleet, { model: "gpt-4o", messages: [] });
    clock.advance(1_000);
    const second = await rawChat(fleet, { model: "gpt-4o-mini", messages: [], stream: true });
    expect(fleet.log.map((e) => [e.seq, e.model, e.stream, e.at - fleet.log[0]!.at, e.bytes])).toEqual([
      [1, "openai/gpt-4o", false, 0, Buffer.byteLength(first.text)],
      [2, "openai/gpt-4o-mini", true, 1_000, Buffer.byteLength(second.text)],
    ]);
    expect(fleet.log.every((e) => e.completed && e.outcome === "ok")).toBe(true);
    expect(first.headers.get("x-request-id")).toBe(fleet.log[0]!.id);
  });

  it("frames OpenAI chat as data-only SSE ending in [DONE]", async () => {
    const { fleet } = await start({ transport });
    const { text, headers } = await rawChat(fleet, { model: "gpt-4o", messages: [], stream: true });
    expect(headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(text).not.toMatch(/^event:/m);
  });

  it("re-cuts frames into pieces no longer than asked", async () => {
    const { fleet } = await start({
      transport: "inproc",
      faults: [{ target: "openai", fault: { kind: "split_frames", max_piece_bytes: 7 } }],
    });
    const whole = await rawChat(fleet, { model: "gpt-4o", messages: [], stream: true });
    expect(whole.chunks).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(whole.text) / 7));
    expect(whole.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("waits for a 429 bucket's Retry-After on the fleet clock, then serves", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [{ target: "openai/gpt-4o", fault: { kind: "token_bucket", limit: 1, per: "2s" } }],
    });
    expect((await rawChat(fleet, { model: "gpt-4o", messages: [] })).status).toBe(200);
    const limited = await rawChat(fleet, { model: "gpt-4o", messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("retry-after-ms")).toBe("2000");
    expect(limited.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    clock.advance(2_000);
    expect((await rawChat(fleet, { model: "gpt-4o", messages: [] })).status).toBe(200);
  });

  it("revokes auth from its time on the fleet clock", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [{ target: "openai", fault: { kind: "auth_revoked", at: "30s" } }],
    });
    expect((await rawChat(fleet, { model: "gpt-4o", messages: [] })).status).toBe(200);
    clock.advance(30_000);
    expect((await rawChat(fleet, { model: "gpt-4o", messages: [] })).status).toBe(401);
    expect(fleet.log.at(-1)!.fault).toBe("auth_revoked");
  });

  it("spends latency, a stall and a dribble on the virtual clock, not the wall clock", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [
        { target: "openai", fault: { kind: "latency", distribution: { type: "fixed", ms: "250ms" } } },
        { target: "openai", fault: { kind: "stall", duration: "30s", after_tokens: 2 } },
        { target: "openai", fault: { kind: "dribble", interval: "100ms" } },
      ],
    });
    const client = aiSdkClients(fleet).find((c) => c.name === "openai-chat")!;
    const startedAt = clock.now();
    const wallStart = performance.now();
    const seen = await runOnVirtualTime(clock, observe(client.model, true));
    expect(seen.text).toBe(DEFAULT_CANONICAL_TEXT);
    // 21 frames (role chunk, 17 tokens, finish, usage, [DONE]) → 20 gaps of 100 ms, plus 250 ms and 30 s.
    expect(clock.now() - startedAt).toBe(250 + 30_000 + 20 * 100);
    expect(performance.now() - wallStart).toBeLessThan(5_000);
    expect(fleet.log[0]).toMatchObject({
      latency_ms: 250,
      fault: "latency+stall+dribble",
      outcome: "ok",
      ended_at: clock.now(),
    });
  });

  it("holds a stream open until the client gives up when a stall has no end", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [{ target: "openai", fault: { kind: "stall", after_tokens: 3 } }],
    });
    const client = aiSdkClients(fleet).find((c) => c.name === "openai-chat")!;
    const watchdog = new AbortController();
    const work = (async () => {
      const { streamText } = await import("ai");
      const result = streamText({
        model: client.model,
        prompt: "hi",
        maxRetries: 0,
        abortSignal: watchdog.signal,
        onError: () => undefined,
      });
      const reading = (async () => {
        let text = "";
        for await (const part of result.fullStream) if (part.type === "text-delta") text += part.text;
        return text;
      })();
      await clock.sleep(5_000);
      watchdog.abort();
      return reading.catch(() => "aborted");
    })();
    const text = await runOnVirtualTime(clock, work);
    expect(text).toBe("The quick brown");
    expect(
      await runOnVirtualTime(
        clock,
        waitFor(() => fleet.log[0]!.outcome !== "pending"),
      ),
    ).toBe(true);
    expect(fleet.log[0]).toMatchObject({ outcome: "aborted", completed: false, status: 200 });
  });

  it("withholds the status line and headers until a stall before any byte ends", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [{ target: "openai/gpt-4o", fault: { kind: "stall", duration: "20s" } }],
    });
    const startedAt = clock.now();
    let headersAt: number | null = null;
    const sent = chat(fleet, { model: "gpt-4o", messages: [], stream: true }).then((response) => {
      headersAt = clock.now();
      return response;
    });
    expect(await waitFor(() => fleet.log.length === 1)).toBe(true);
    // A model the fleet does not serve is answered at once: its round trip shows the server is answering.
    await rawChat(fleet, { model: "gpt-9", messages: [] });
    expect(headersAt).toBeNull();
    clock.advance(19_999);
    await rawChat(fleet, { model: "gpt-9", messages: [] });
    expect(headersAt).toBeNull();
    expect(fleet.log[0]).toMatchObject({ status: null, outcome: "pending" });
    clock.advance(1);
    const response = await sent;
    expect(headersAt).toBe(startedAt + 20_000);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("data: [DONE]");
    expect(fleet.log[0]).toMatchObject({ status: 200, outcome: "ok", latency_ms: 20_000 });
  });

  it("withholds the headers of a stall with no end until the client aborts, and logs the call aborted", async () => {
    const { fleet, clock } = await start({
      transport,
      faults: [{ target: "openai/gpt-4o", fault: { kind: "stall" } }],
    });
    const client = new AbortController();
    let settled = false;
    const sent = chat(fleet, { model: "gpt-4o", messages: [] }, client.signal).finally(() => {
      settled = true;
    });
    expect(await waitFor(() => fleet.log.length === 1)).toBe(true);
    clock.advance(600_000);
    await rawChat(fleet, { model: "gpt-9", messages: [] });
    expect(settled).toBe(false);
    client.abort();
    await expect(sent).rejects.toThrow();
    expect(await waitFor(() => fleet.log[0]!.outcome !== "pending")).toBe(true);
    expect(fleet.log[0]).toMatchObject({ status: null, outcome: "aborted", bytes: 0, completed: false });
  });

  it("draws the same faker answers and latencies for the same seed", async () => {
    const faults = [
      {
        target: "*",
        fault: { kind: "latency", distribution: { type: "lognormal", median: "200ms", sigma: 1 } },
      } as const,
    ];
    const answers = async (seed: number): Promise<string[]> => {
      const { fleet, clock } = await start({ transport, seed, content: "faker", faults: [...faults] });
      const out: string[] = [];
      for (let i = 0; i < 3; i++)
        out.push((await runOnVirtualTime(clock, rawChat(fleet, { model: "gpt-4o", messages: [] }))).text);
      const latencies = fleet.log.map((e) => e.latency_ms.toFixed(3));
      await fleet.close();
      open = undefined;
      return [
        ...out.map(
          (o) =>
            (JSON.parse(o) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
        ),
        ...latencies,
      ];
    };
    const one = await answers(9);
    expect(await answers(9)).toEqual(one);
    expect(await answers(10)).not.toEqual(one);
    expect(new Set(one.slice(0, 3)).size).toBe(3);
  });
});

/** Reads a body to its end or its failure, counting the reads. */
async function reads(response: Response): Promise<{ text: string; chunks: number; failed: boolean }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return { text, chunks, failed: false };
      chunks += 1;
      text += decoder.decode(next.value, { stream: true });
    }
  } catch {
    return { text, chunks, failed: true };
  }
}

/** OpenAI chat SSE frames in a body text. */
function framesIn(text: string): number {
  return text.split("\n\n").length - 1;
}

describe("the fleet's reads in process", () => {
  it("hands the frames of a clean stream over as one read, as a socket does with what has arrived", async () => {
    const { fleet } = await start({ transport: "inproc" });
    const seen = await reads(await chat(fleet, { model: "gpt-4o", messages: [], stream: true }));
    expect(framesIn(seen.text)).toBeGreaterThan(10);
    expect(seen).toMatchObject({ chunks: 1, failed: false });
    expect(fleet.log[0]).toMatchObject({ outcome: "ok", bytes: Buffer.byteLength(seen.text) });
  });

  it("splits the run where the body pauses", async () => {
    const { fleet, clock } = await start({
      transport: "inproc",
      faults: [{ target: "openai", fault: { kind: "stall", duration: "5s", after_tokens: 3 } }],
    });
    const response = await chat(fleet, { model: "gpt-4o", messages: [], stream: true });
    const seen = await runOnVirtualTime(clock, reads(response));
    expect(seen).toMatchObject({ chunks: 2, failed: false });
    expect(seen.text).toContain("brown");
  });

  it("keeps one read per frame in a body that is cut or carries a malformed frame", async () => {
    const { fleet } = await start({
      transport: "inproc",
      faults: [
        { target: "openai/gpt-4o", fault: { kind: "stream_cut", after_chunks: 5 } },
        { target: "openai/gpt-4o-mini", fault: { kind: "malformed_chunk", at_chunk: 4 } },
      ],
    });
    const cut = await reads(await chat(fleet, { model: "gpt-4o", messages: [], stream: true }));
    expect(cut).toMatchObject({ chunks: 5, failed: true });
    const malformed = await reads(await chat(fleet, { model: "gpt-4o-mini", messages: [], stream: true }));
    expect(malformed.failed).toBe(false);
    expect(malformed.chunks).toBe(framesIn(malformed.text));
  });
});

describe("the fleet's guards", () => {
  it("fails an in-process request for a host outside the fleet instead of reaching the network", async () => {
    // A real listener stands in for the network: a request let through would reach it.
    let reached = 0;
    const listener = createServer((_request, response) => {
      reached++;
      response.end("reached");
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const address = listener.address();
    const outside = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/v1/models`;
    const strays: string[] = [];
    try {
      const { fleet } = await start({ transport: "inproc", onStrayRequest: (url) => strays.push(url) });
      await expect(fleet.fetch(outside)).rejects.toThrow(TypeError);
      await expect(globalThis.fetch(outside, { method: "POST", body: "{}" })).rejects.toThrow(TypeError);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(reached).toBe(0);
    expect(strays).toEqual([outside, outside]);
  });

  it("refuses, on loopback, any URL but its own", async () => {
    const { fleet } = await start({ transport: "loopback" });
    await expect(fleet.fetch("http://example.com/")).rejects.toThrow(/only serves http:\/\/127\.0\.0\.1:\d+/);
    expect(fleet.endpoints.google.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/google\/v1beta$/);
  });

  it("allows one in-process fleet at a time", async () => {
    await start({ transport: "inproc" });
    await expect(createFleet({ clock: new ManualClock(), seed: 1, transport: "inproc" })).rejects.toThrow(
      FleetOptionsError,
    );
  });

  it("rejects a fault bound to a model the fleet does not serve, naming the path and the served models", async () => {
    await expect(
      createFleet({
        clock: new ManualClock(),
        seed: 1,
        transport: "loopback",
        faults: [{ target: "openai/gpt-9", fault: { kind: "empty_response" } }],
      }),
    ).rejects.toThrow(/faults\.0\.target: the fleet does not serve "openai\/gpt-9"; openai serves gpt-4o/);
  });

  it("rejects an invalid fault in setFaults with its path and keeps the old faults", async () => {
    const { fleet } = await start({
      transport: "inproc",
      faults: [{ target: "openai", fault: { kind: "http_error", reason: "server_error" } }],
    });
    expect(() => fleet.setFaults([{ target: "openai", fault: { kind: "stall", duration: "soon" } }])).toThrow(
      /faults\.0\.fault\.duration/,
    );
    expect((await rawChat(fleet, { model: "gpt-4o", messages: [] })).status).toBe(500);
  });
});

/** Resolves true once `done()` holds, polling on the event loop (the fleet settles its log asynchronously). */
async function waitFor(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return done();
}
