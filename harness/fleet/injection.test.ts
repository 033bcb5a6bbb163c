import { afterEach, describe, expect, it } from "vitest";
import { injectedReason } from "./injection.ts";
import { ManualClock } from "../../src/index.ts";
import type { FaultBindingInput, FaultInput } from "./faults.ts";
import { createFleet, FLEET_API_KEYS, type Fleet } from "./fleet.ts";

/** The fleet's ground-truth record (SPEC §10.2): what it injected per call, and every Retry-After form it sent. */

let open: Fleet | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(faults: readonly FaultBindingInput[]): Promise<{ fleet: Fleet; clock: ManualClock }> {
  const clock = new ManualClock();
  open = await createFleet({ seed: 1, content: "canonical", transport: "inproc", faults, clock });
  return { fleet: open, clock };
}

async function openaiChat(
  fleet: Fleet,
  key = fleet.endpoints.openai.apiKey,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fleet.fetch(`${fleet.endpoints.openai.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [] }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function geminiGenerate(fleet: Fleet): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fleet.fetch(
    `${fleet.endpoints.google.baseURL}/models/gemini-2.5-flash:generateContent`,
    {
      method: "POST",
      headers: { "x-goog-api-key": fleet.endpoints.google.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ contents: [] }),
    },
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

type HttpErrorOptions = Omit<Extract<FaultInput, { kind: "http_error" }>, "kind" | "reason">;

const rateLimit = (extra: HttpErrorOptions): FaultBindingInput[] => [
  { target: "openai/gpt-4o", fault: { kind: "http_error", reason: "rate_limit", ...extra } },
];

describe("injectedReason on a non-streaming request", () => {
  it("names truncated JSON malformed_stream, and a body that dies halfway stream_cut", () => {
    expect(injectedReason({ kind: "no_end_marker" }, true)).toBe("stream_incomplete");
    expect(injectedReason({ kind: "no_end_marker" }, false)).toBe("malformed_stream");
    expect(injectedReason({ kind: "malformed_chunk", at_chunk: 2 }, false)).toBe("malformed_stream");
    expect(injectedReason({ kind: "stream_cut", after_chunks: 2 }, true)).toBe("stream_cut");
    expect(injectedReason({ kind: "stream_cut", after_chunks: 2 }, false)).toBe("stream_cut");
  });
});

describe("the fleet's ground-truth record", () => {
  it("records the deciding fault, its reason, the status and every Retry-After form sent", async () => {
    const { fleet } = await start(rateLimit({ retry_after: 5, retry_after_ms: 5000 }));
    const reply = await openaiChat(fleet);
    expect(reply.status).toBe(429);
    expect(fleet.log[0]).toMatchObject({
      fault_kind: "http_error",
      reason: "rate_limit",
      status: 429,
      outcome: "error",
      retry_after: { ms_header: "5000", header: "5", retry_info: null, text: "try again in 5000ms" },
    });
  });

  it("leaves the delay out of the body with retry_after_in_body: false, keeping the header", async () => {
    const { fleet } = await start(rateLimit({ retry_after_date: "7s", retry_after_in_body: false }));
    const reply = await openaiChat(fleet);
    expect(reply.text).not.toMatch(/try again/i);
    expect(reply.headers.get("retry-after")).toBe("Thu, 01 Jan 2026 00:00:07 GMT");
    expect(fleet.log[0]?.retry_after).toEqual({
      ms_header: null,
      header: "Thu, 01 Jan 2026 00:00:07 GMT",
      retry_info: null,
      text: null,
    });
  });

  it("sends Gemini's wait only in RetryInfo with retry_after_in_headers: false", async () => {
    const { fleet } = await start([
      {
        target: "google/gemini-2.5-flash",
        fault: {
          kind: "http_error",
          reason: "rate_limit",
          retry_after_ms: 34400,
          retry_after_in_headers: false,
        },
      },
    ]);
    const reply = await geminiGenerate(fleet);
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBeNull();
    expect(reply.headers.get("retry-after-ms")).toBeNull();
    expect(reply.text).toContain('"retryDelay":"34.4s"');
    expect(fleet.log[0]?.retry_after).toEqual({
      ms_header: null,
      header: null,
      retry_info: "34.4s",
      text: null,
    });
  });

  it("records the provider's own auth check as the reason, with no fault", async () => {
    const { fleet } = await start([]);
    await openaiChat(fleet, "sk-wrong");
    expect(fleet.log[0]).toMatchObject({ fault_kind: null, reason: "auth", status: 401 });
  });

  it("records a success as no reason and no Retry-After", async () => {
    const { fleet } = await start([]);
    await openaiChat(fleet);
    expect(fleet.log[0]).toMatchObject({
      fault_kind: null,
      reason: null,
      status: 200,
      outcome: "ok",
      retry_after: { ms_header: null, header: null, retry_info: null, text: null },
    });
  });

  it("records a network fault as a connection failure with no status line", async () => {
    const { fleet } = await start([{ target: "openai", fault: { kind: "connection_refused" } }]);
    await expect(openaiChat(fleet)).rejects.toThrow();
    expect(fleet.log[0]).toMatchObject({
      fault_kind: "connection_refused",
      reason: "connection",
      status: null,
      outcome: "network_error",
    });
  });

  it("uses the published API keys", () => {
    expect(Object.values(FLEET_API_KEYS)).toContain("fleet-openai-key");
  });
});
