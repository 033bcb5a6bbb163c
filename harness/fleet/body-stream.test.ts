import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { bodyStream, isOneReadBody, type BodySettlement, type BodyStep } from "./body-stream.ts";

function observed(): {
  bytes: number;
  settled: BodySettlement[];
  observer: Parameters<typeof bodyStream>[3];
} {
  const record = { bytes: 0, settled: [] as BodySettlement[] };
  return {
    get bytes() {
      return record.bytes;
    },
    settled: record.settled,
    observer: {
      onBytes: (count) => {
        record.bytes += count;
      },
      onSettle: (how) => {
        record.settled.push(how);
      },
    },
  };
}

const JSON_ANSWER: readonly BodyStep[] = [{ type: "chunk", data: '{"ok":true}' }, { type: "end" }];

describe("bodyStream", () => {
  // Every answer is held while its client reads it; with 10,000 in flight (issue 15 item 5) a listener and
  // an AbortController per answer that never pauses are memory for nothing.
  it("plays a body without a pause without listening on the client's signal", async () => {
    const client = new AbortController();
    const listen = vi.spyOn(client.signal, "addEventListener");
    const seen = observed();
    const text = await new Response(
      bodyStream(JSON_ANSWER, new ManualClock(), client.signal, seen.observer),
    ).text();
    expect(text).toBe('{"ok":true}');
    expect(seen.bytes).toBe(11);
    expect(seen.settled).toEqual(["end"]);
    expect(listen).not.toHaveBeenCalled();
  });

  it("ends a pause early when the client aborts, and stops listening once settled", async () => {
    const clock = new ManualClock();
    const client = new AbortController();
    const unlisten = vi.spyOn(client.signal, "removeEventListener");
    const seen = observed();
    const reader = bodyStream(
      [
        { type: "chunk", data: "a" },
        { type: "sleep", ms: 1_000 },
        { type: "chunk", data: "b" },
        { type: "end" },
      ],
      clock,
      client.signal,
      seen.observer,
    ).getReader();
    expect((await reader.read()).done).toBe(false);
    const next = reader.read();
    // A turn, so the read has reached the pause and waits on the clock.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const reason = new Error("client gone");
    client.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(seen.settled).toEqual(["aborted"]);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("ends a pause at once when the client had already aborted before it", async () => {
    const client = new AbortController();
    const reason = new Error("client gone");
    client.abort(reason);
    const seen = observed();
    const reader = bodyStream(
      [{ type: "sleep", ms: 1_000 }, { type: "end" }],
      new ManualClock(),
      client.signal,
      seen.observer,
    ).getReader();
    await expect(reader.read()).rejects.toBe(reason);
    expect(seen.settled).toEqual(["aborted"]);
  });

  it("settles a cancelled body as aborted", async () => {
    const seen = observed();
    const stream = bodyStream(JSON_ANSWER, new ManualClock(), new AbortController().signal, seen.observer);
    await stream.cancel(new Error("not wanted"));
    expect(seen.settled).toEqual(["aborted"]);
    expect(seen.bytes).toBe(0);
  });

  it("marks the bodies it hands over in one read and then ends, and only those", () => {
    const play = (steps: readonly BodyStep[]): ReadableStream<Uint8Array> =>
      bodyStream(steps, new ManualClock(), new AbortController().signal, observed().observer);
    expect(isOneReadBody(play(JSON_ANSWER))).toBe(true);
    expect(isOneReadBody(play([{ type: "end" }]))).toBe(true);
    const chunk = { type: "chunk", data: "a" } as const;
    expect(isOneReadBody(play([chunk, chunk, { type: "end" }]))).toBe(false);
    expect(isOneReadBody(play([chunk, { type: "sleep", ms: 1 }, { type: "end" }]))).toBe(false);
    expect(isOneReadBody(play([chunk, { type: "cut" }]))).toBe(false);
    expect(isOneReadBody(play([chunk, { type: "hang" }]))).toBe(false);
    expect(isOneReadBody(new Response("a").body)).toBe(false);
    expect(isOneReadBody(null)).toBe(false);
  });
});
