import { describe, expect, it } from "vitest";
import type { ModelId } from "../core/model-id.ts";
import { AttemptRequest, ProviderSignal } from "./provider-signal.ts";

describe("ProviderSignal", () => {
  it("keeps one signal across attempts while none aborts it", () => {
    const source = new ProviderSignal();
    const first = source.signal;
    source.renew();
    expect(source.signal).toBe(first);
    expect(first.aborted).toBe(false);
  });

  it("hands out a fresh signal to the attempt after one that was aborted, keeping the old one aborted", () => {
    const source = new ProviderSignal();
    const first = source.signal;
    source.abort("watchdog");
    expect(source.signal).toBe(first);
    expect(first.reason).toBe("watchdog");
    source.renew();
    expect(source.signal).not.toBe(first);
    expect(source.signal.aborted).toBe(false);
  });

  it("aborts even when no one has read the signal yet, so a late reader sees it aborted", () => {
    const source = new ProviderSignal();
    source.abort("deadline");
    expect(source.aborted).toBe(true);
    expect(source.signal.reason).toBe("deadline");
  });

  it("keeps the first reason when aborted twice", () => {
    const source = new ProviderSignal();
    source.abort("first");
    source.abort("second");
    expect(source.signal.reason).toBe("first");
  });
});

describe("AttemptRequest", () => {
  it("reads its signal through the source", () => {
    const source = new ProviderSignal();
    const request = new AttemptRequest("openai/gpt-a" as ModelId, "hi", false, source);
    expect(source.aborted).toBe(false);
    expect(request.signal).toBe(source.signal);
    expect(request).toMatchObject({ model: "openai/gpt-a", prompt: "hi", stream: false });
  });
});
