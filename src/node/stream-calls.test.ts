import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { ModelCallPart } from "../engine/ports.ts";
import { directStreamCall } from "./stream-calls.ts";

const PROMPT = [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }];
const FINISH: LanguageModelV3StreamPart = {
  type: "finish",
  finishReason: { unified: "stop", raw: "stop" },
  usage: {
    inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 1, text: 1, reasoning: 0 },
  },
};

/** A provider stream the test feeds part by part, and whether its reader cancelled it. */
function feed(): {
  stream: ReadableStream<LanguageModelV3StreamPart>;
  push(part: LanguageModelV3StreamPart): void;
  end(): void;
  fail(error: Error): void;
  cancelled(): boolean;
} {
  let controller: ReadableStreamDefaultController<LanguageModelV3StreamPart> | undefined;
  let cancelled = false;
  const stream = new ReadableStream<LanguageModelV3StreamPart>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    push: (part) => controller?.enqueue(part),
    end: () => controller?.close(),
    fail: (error) => controller?.error(error),
    cancelled: () => cancelled,
  };
}

/** A model whose `doStream` answers with `opening` (or throws it, when it is an Error thrown synchronously). */
function modelOf(doStream: () => ReturnType<LanguageModelV3["doStream"]>): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "test",
    modelId: "test",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("Failed to generate: this model only streams.")),
    doStream,
  };
}

function callOf(model: LanguageModelV3, signal = new AbortController().signal) {
  return directStreamCall(model, PROMPT, { model: "test/test" as never, prompt: "hi", stream: true, signal });
}

async function drain(parts: AsyncIterator<ModelCallPart>): Promise<ModelCallPart[]> {
  const out: ModelCallPart[] = [];
  for (;;) {
    const next = await parts.next();
    if (next.done === true) return out;
    out.push(next.value);
  }
}

const text = (t: string): LanguageModelV3StreamPart => ({ type: "text-delta", id: "1", delta: t });

describe("directStreamCall", () => {
  it("yields text, passes over parts that carry none, and finishes with the provider's reason", async () => {
    const f = feed();
    const call = callOf(modelOf(() => Promise.resolve({ stream: f.stream })));
    f.push({ type: "stream-start", warnings: [] });
    f.push({ type: "text-start", id: "1" });
    f.push(text("Hel"));
    f.push(text(""));
    f.push(text("lo"));
    f.push({ type: "text-end", id: "1" });
    f.push(FINISH);
    f.end();

    expect(await drain(call)).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
      { type: "finish", finishReason: "stop" },
    ]);
  });

  it("makes the SDK's NoOutputGeneratedError of a stream with neither output nor finish", async () => {
    const f = feed();
    f.push({ type: "stream-start", warnings: [] });
    f.end();
    const parts = await drain(callOf(modelOf(() => Promise.resolve({ stream: f.stream }))));

    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "error", error: { name: "AI_NoOutputGeneratedError" } });
  });

  it("passes a provider's error part on and reads on to finish `error`", async () => {
    const f = feed();
    const failure = { type: "server_error" };
    f.push(text("a"));
    f.push({ type: "error", error: failure });
    f.end();

    expect(await drain(callOf(modelOf(() => Promise.resolve({ stream: f.stream }))))).toEqual([
      { type: "text", text: "a" },
      { type: "error", error: failure },
      { type: "finish", finishReason: "error" },
    ]);
  });

  it("turns a doStream that throws or rejects into one error part, and a failed read into a rejection", async () => {
    const thrown = new Error("bad options");
    expect(
      await drain(
        callOf(
          modelOf(() => {
            throw thrown;
          }),
        ),
      ),
    ).toEqual([{ type: "error", error: thrown }]);
    const refused = new Error("HTTP 500");
    expect(await drain(callOf(modelOf(() => Promise.reject(refused))))).toEqual([
      { type: "error", error: refused },
    ]);

    const f = feed();
    const call = callOf(modelOf(() => Promise.resolve({ stream: f.stream })));
    f.push(text("a"));
    const reset = new Error("ECONNRESET");
    await expect(call.next()).resolves.toEqual({ value: { type: "text", text: "a" }, done: false });
    f.fail(reset);
    await expect(call.next()).rejects.toBe(reset);
    await expect(call.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("ends a read the transport leaves open with the abort reason, cancels the stream and stops listening", async () => {
    const f = feed();
    const controller = new AbortController();
    const call = callOf(
      modelOf(() => Promise.resolve({ stream: f.stream })),
      controller.signal,
    );
    f.push(text("a"));
    await call.next();
    const pending = call.next();
    const reason = new Error("stall");
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
    expect(f.cancelled()).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects with the abort reason while it opens, and yields nothing once aborted", async () => {
    const controller = new AbortController();
    const call = callOf(
      modelOf(() => new Promise<never>(() => undefined)),
      controller.signal,
    );
    const opening = call.next();
    controller.abort();
    await expect(opening).rejects.toMatchObject({ name: "AbortError" });
    await expect(call.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("cancels the stream when the caller returns mid-stream, or while it opens", async () => {
    const f = feed();
    const call = callOf(modelOf(() => Promise.resolve({ stream: f.stream })));
    f.push(text("a"));
    await call.next();
    await call.return?.();
    expect(f.cancelled()).toBe(true);

    const late = feed();
    let open: (value: { stream: ReadableStream<LanguageModelV3StreamPart> }) => void = () => undefined;
    const opening = callOf(
      modelOf(
        () =>
          new Promise((resolve) => {
            open = resolve;
          }),
      ),
    );
    const first = opening.next();
    await opening.return?.();
    await expect(first).resolves.toEqual({ value: undefined, done: true });
    open({ stream: late.stream });
    await new Promise((resolve) => setImmediate(resolve));
    expect(late.cancelled()).toBe(true);
  });

  it("answers a next() made while a part is pending after that part, in order", async () => {
    const f = feed();
    const call = callOf(modelOf(() => Promise.resolve({ stream: f.stream })));
    const first = call.next();
    const second = call.next();
    f.push(text("a"));
    f.push(text("b"));

    await expect(first).resolves.toEqual({ value: { type: "text", text: "a" }, done: false });
    await expect(second).resolves.toEqual({ value: { type: "text", text: "b" }, done: false });
  });

  it("fails the call, not the process, on a part it cannot read", async () => {
    const f = feed();
    const call = callOf(modelOf(() => Promise.resolve({ stream: f.stream })));
    f.push({ type: "finish" } as unknown as LanguageModelV3StreamPart);

    await expect(call.next()).rejects.toBeInstanceOf(TypeError);
    expect(f.cancelled()).toBe(true);
  });
});
