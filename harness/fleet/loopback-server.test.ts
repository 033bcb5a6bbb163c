import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { createFleet, type Fleet } from "./fleet.ts";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.ts";
import type { FleetTransport } from "./respond.ts";

/** A body cut mid-way must reach the client as the same partial bytes on both transports (issue 12 item 9). */

let server: LoopbackServer | undefined;
let fleet: Fleet | undefined;

afterEach(async () => {
  await server?.close();
  await fleet?.close();
  server = undefined;
  fleet = undefined;
});

/** Reads a body to its end or its failure: the bytes that arrived, and how it ended. */
async function readUntilSettled(
  body: ReadableStream<Uint8Array>,
): Promise<{ text: string; failed: boolean }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return { text, failed: false };
      text += decoder.decode(next.value, { stream: true });
    }
  } catch {
    return { text, failed: true };
  }
}

describe("the loopback server", () => {
  it("hands the client every byte written before the body failed, then drops the connection", async () => {
    const encoder = new TextEncoder();
    let sent = 0;
    // Six chunks and the failure in one run of microtasks: no tick passes between them (the fleet's
    // stream_cut with no latency), so nothing but the server's own flushing gets the bytes out.
    const body = (): ReadableStream<Uint8Array> =>
      new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (sent === 6) controller.error(new Error("cut"));
            else controller.enqueue(encoder.encode(`data: ${sent++}\n\n`));
          },
        },
        { highWaterMark: 0 },
      );
    server = await startLoopbackServer(() =>
      Promise.resolve(
        new Response(body(), { status: 200, headers: { "content-type": "text/event-stream" } }),
      ),
    );
    const response = await fetch(`${server.origin}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    const seen = await readUntilSettled(response.body!);
    expect(seen).toEqual({
      text: "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: 5\n\n",
      failed: true,
    });
  });
});

describe.each<FleetTransport>(["inproc", "loopback"])("a stream_cut over %s", (transport) => {
  it("delivers exactly the bytes the fleet logged, then fails", async () => {
    fleet = await createFleet({
      clock: new ManualClock(),
      seed: 1,
      transport,
      content: "canonical",
      faults: [{ target: "openai/gpt-4o", fault: { kind: "stream_cut", after_chunks: 6 } }],
    });
    const { baseURL, apiKey } = fleet.endpoints.openai;
    const response = await fleet.fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [], stream: true }),
    });
    const seen = await readUntilSettled(response.body!);
    expect(seen.failed).toBe(true);
    expect(fleet.log[0]).toMatchObject({ outcome: "cut", completed: false });
    expect(seen.text.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(seen.text)).toBe(fleet.log[0]!.bytes);
    expect(seen.text.match(/^data: /gm)).toHaveLength(6);
  });
});
