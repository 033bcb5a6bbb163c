import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classify, ManualClock } from "../../src/index.ts";
import { HTTP_REASONS } from "./faults.ts";
import { DEFAULT_CANONICAL_TEXT } from "./content.ts";
import { createFleet, type Fleet } from "./fleet.ts";
import { stainlessFetch } from "./fleet-test-kit.ts";
import type { FleetTransport } from "./respond.ts";

/**
 * The official Stainless clients (openai 6.49, @anthropic-ai/sdk 1.12) against the fleet, with the fetch
 * wrapper of reference/providers.md §6: success bodies and streams, error classes with request ids, retries
 * honouring `retry-after-ms`, and the mid-stream errors of §6.
 */

const TRANSPORTS: readonly FleetTransport[] = ["inproc", "loopback"];

describe.each(TRANSPORTS)("the official SDKs over the %s transport", (transport) => {
  const clock = new ManualClock();
  let fleet: Fleet;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    // One fixed text for every model: these tests count its tokens.
    fleet = await createFleet({
      clock,
      seed: 3,
      transport,
      content: "canonical",
      canonicalText: DEFAULT_CANONICAL_TEXT,
    });
    const fetch = stainlessFetch(fleet.fetch);
    openai = new OpenAI({
      baseURL: fleet.endpoints.openai.baseURL,
      apiKey: fleet.endpoints.openai.apiKey,
      fetch,
      maxRetries: 0,
    });
    anthropic = new Anthropic({
      baseURL: fleet.endpoints.anthropic.baseURL.replace(/\/v1$/, ""),
      apiKey: fleet.endpoints.anthropic.apiKey,
      fetch,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await fleet.close();
  });

  it("openai chat completions returns the text, usage and the request id the fleet logged", async () => {
    fleet.setFaults([]);
    const { data, request_id } = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(DEFAULT_CANONICAL_TEXT);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage?.completion_tokens).toBe(17);
    expect(request_id).toBe(fleet.log.at(-1)!.id);
  });

  it("openai chat streaming yields every token and stops at [DONE]", async () => {
    fleet.setFaults([]);
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage?.completion_tokens ?? usage;
    }
    expect(text).toBe(DEFAULT_CANONICAL_TEXT);
    expect(usage).toBe(17);
  });

  it("openai responses returns output_text", async () => {
    fleet.setFaults([]);
    const response = await openai.responses.create({ model: "gpt-4o", input: "hi" });
    expect(response.output_text).toBe(DEFAULT_CANONICAL_TEXT);
    expect(response.usage?.output_tokens).toBe(17);
  });

  it("openai raises RateLimitError with code, type and request id for a 429", async () => {
    fleet.setFaults([{ target: "openai/gpt-4o", fault: { kind: "http_error", reason: "rate_limit" } }]);
    const error = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limit_exceeded",
      type: "requests",
      requestID: fleet.log.at(-1)!.id,
    });
  });

  it("openai retries twice on retry-after-ms and then succeeds (fail two times, then recover)", async () => {
    fleet.setFaults([
      {
        target: "openai/gpt-4o",
        fault: { kind: "http_error", reason: "unavailable", retry_after_ms: 1 },
        when: { times: 2 },
      },
    ]);
    const before = fleet.log.length;
    const retrying = openai.withOptions({ maxRetries: 2 });
    const data = await retrying.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(data.choices[0]?.message.content).toBe(DEFAULT_CANONICAL_TEXT);
    expect(fleet.log.slice(before).map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it("openai throws an APIError without a status from a stream error after output", async () => {
    fleet.setFaults([
      { target: "openai/gpt-4o", fault: { kind: "stream_error", reason: "server_error", after_tokens: 2 } },
    ]);
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeUndefined();
    expect(text).toBe("The quick");
  });

  it("anthropic messages returns the text, usage and the request id the fleet logged", async () => {
    fleet.setFaults([]);
    const { data, request_id } = await anthropic.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.content[0]).toMatchObject({ type: "text", text: DEFAULT_CANONICAL_TEXT });
    expect(data.stop_reason).toBe("end_turn");
    expect(data.usage.output_tokens).toBe(17);
    expect(request_id).toBe(fleet.log.at(-1)!.id);
  });

  it("anthropic streaming yields every token (the events carry event: lines)", async () => {
    fleet.setFaults([]);
    const stream = anthropic.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const message = await stream.finalMessage();
    expect(message.content[0]).toMatchObject({ type: "text", text: DEFAULT_CANONICAL_TEXT });
    expect(message.usage.output_tokens).toBe(17);
  });

  it("anthropic raises OverloadedError for a 529 and retries after retry-after-ms", async () => {
    fleet.setFaults([
      {
        target: "anthropic/claude-haiku-4-5",
        fault: { kind: "http_error", reason: "overloaded", retry_after_ms: 1 },
        when: { times: 1 },
      },
    ]);
    const error = await anthropic.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error).toMatchObject({ status: 529, type: "overloaded_error", requestID: fleet.log.at(-1)!.id });
    fleet.setFaults([
      {
        target: "anthropic/claude-haiku-4-5",
        fault: { kind: "http_error", reason: "overloaded", retry_after_ms: 1 },
        when: { times: 1 },
      },
    ]);
    const data = await anthropic.withOptions({ maxRetries: 1 }).messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(data.content[0]).toMatchObject({ text: DEFAULT_CANONICAL_TEXT });
  });

  it.each(HTTP_REASONS)(
    "the classifier names http_error %s from the errors both SDKs raise",
    async (reason) => {
      // A proxy's 407 never reaches a client over real fetch (see fidelity.test.ts): it is a connection error.
      const expected = reason === "proxy" && transport === "loopback" ? "connection" : reason;
      fleet.setFaults([{ target: "*", fault: { kind: "http_error", reason, retry_after_ms: 1 } }]);
      const fromOpenai = await openai.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      const fromAnthropic = await anthropic.messages
        .create({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(classify(fromOpenai, { now_ms: clock.now() }).reason).toBe(expected);
      expect(classify(fromAnthropic, { now_ms: clock.now() }).reason).toBe(expected);
    },
  );

  it("anthropic throws an overloaded APIError from an error event mid-stream", async () => {
    fleet.setFaults([
      {
        target: "anthropic/claude-haiku-4-5",
        fault: { kind: "stream_error", reason: "overloaded", after_tokens: 2 },
      },
    ]);
    const stream = anthropic.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ status: undefined, type: "overloaded_error" });
  });
});
