import { APICallError } from "@ai-sdk/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classify, ManualClock, type Reason } from "../../src/index.ts";
import { DEFAULT_CANONICAL_TEXT, tokenize } from "./content.ts";
import { BODY_REASONS, HTTP_REASONS, type FaultInput } from "./faults.ts";
import { createFleet, type Fleet } from "./fleet.ts";
import { aiSdkClients, observe, type AiSdkClient, type Observation } from "./fleet-test-kit.ts";
import { PROVIDER_PROFILES } from "./providers/catalog.ts";
import { runOnVirtualTime } from "../sim/virtual-time.ts";
import type { FleetTransport } from "./respond.ts";

/**
 * The fidelity matrix (issue 3): provider × fault × transport. Every case drives a real AI SDK client
 * (`maxRetries: 0`, as OpenCode calls it) against the fleet and checks what the client reports — text,
 * finish reason, usage, status, `isRetryable`, headers — and that the engine's classifier, fed the error the
 * client raised, names the reason the fault intends.
 */

const SEED = 7;
const TOKENS = tokenize(DEFAULT_CANONICAL_TEXT);
const CLIENTS = ["openai-responses", "openai-chat", "anthropic", "google", "openrouter", "azure"] as const;
const TRANSPORTS: readonly FleetTransport[] = ["inproc", "loopback"];
const RETRYABLE = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** A reason's HTTP status, message and content type as the fleet sends it for one provider. */
function wireOf(
  client: AiSdkClient,
  reason: (typeof HTTP_REASONS)[number],
): { status: number; message: string; json: boolean } {
  const profile = PROVIDER_PROFILES[client.provider];
  const params = {
    model: client.modelId.slice(client.provider.length + 1),
    requestId: "x",
    nowMs: 0,
    retryAfterMs: 5,
  };
  const response = profile.errorResponse(reason, params);
  const json = response.headers["content-type"]?.includes("json") === true;
  const message =
    json && reason !== "proxy"
      ? String(profile.errorObject(reason, params).error["message"])
      : response.statusText;
  return { status: response.status, message, json };
}

/** The first `code` along an error's cause chain. */
function causeCode(error: unknown): string | undefined {
  for (
    let e: unknown = error, depth = 0;
    typeof e === "object" && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * Where the classifier, fed what the real client raised, cannot name the reason the fault intends. Each is
 * a fact about the provider's vocabulary, pinned so the list stays true:
 * - Inexpressible: Anthropic's error vocabulary has no type for a bad gateway or an unavailable service;
 *   the frame says `api_error`, which is a server error.
 * (The AI SDK's invented 500 for in-band errors is no longer a disagreement: the classifier ignores a 500
 * that the provider's own client-error type contradicts; src/classify/classify.ts.)
 */
const KNOWN_DISAGREEMENTS: Readonly<Record<string, Reason>> = {
  "anthropic:bad_gateway:first": "server_error",
  "anthropic:unavailable:first": "server_error",
  "anthropic:bad_gateway:after": "server_error",
  "anthropic:unavailable:after": "server_error",
};

/** The reason the classifier should give for a stream error frame: the fault's, unless a known disagreement. */
function expectedStreamReason(client: string, reason: Reason, phase: "first" | "after"): Reason {
  return KNOWN_DISAGREEMENTS[`${client}:${reason}:${phase}`] ?? reason;
}

function reasonOf(clock: ManualClock, error: unknown): Reason {
  return classify(error, { now_ms: clock.now() }).reason;
}

describe.each(TRANSPORTS)("the fleet over the %s transport", (transport) => {
  const clock = new ManualClock();
  let fleet: Fleet;
  beforeAll(async () => {
    // One fixed text for every model: these tests count its tokens and frames on each wire.
    fleet = await createFleet({
      clock,
      seed: SEED,
      transport,
      content: "canonical",
      canonicalText: DEFAULT_CANONICAL_TEXT,
    });
  });
  afterAll(async () => {
    await fleet.close();
  });
  const clientNamed = (name: string): AiSdkClient => aiSdkClients(fleet).find((c) => c.name === name)!;
  const run = async (
    name: string,
    fault: FaultInput | null,
    stream: boolean,
  ): Promise<{ seen: Observation; client: AiSdkClient }> => {
    const client = clientNamed(name);
    fleet.setFaults(fault === null ? [] : [{ target: client.modelId, fault }]);
    return { seen: await observe(client.model, stream), client };
  };

  describe.each(CLIENTS)("seen through the AI SDK %s client", (name) => {
    it.each([false, true])(
      "answers the canonical text with finish reason stop and usage (stream: %s)",
      async (stream) => {
        const { seen } = await run(name, null, stream);
        expect(seen.error).toBeUndefined();
        expect(seen.text).toBe(DEFAULT_CANONICAL_TEXT);
        expect(seen.finishReason).toBe("stop");
        expect(seen.outputTokens).toBe(TOKENS.length);
        const entry = fleet.log.at(-1)!;
        expect(entry).toMatchObject({ status: 200, outcome: "ok", completed: true, stream, fault: null });
        if (!stream) expect(seen.headers["x-fleet-request-id"]).toBe(entry.id);
      },
    );

    it.each(HTTP_REASONS.flatMap((reason) => [false, true].map((stream) => [reason, stream] as const)))(
      "surfaces http_error %s in the provider's own shape (stream: %s)",
      async (reason, stream) => {
        const { seen, client } = await run(name, { kind: "http_error", reason, retry_after_ms: 5 }, stream);
        const wire = wireOf(client, reason);
        if (reason === "proxy" && transport === "loopback") {
          // Node's fetch (undici) follows the Fetch standard: a 407 with no window is a network error, so over
          // a real socket the client never sees the status, and the failure reads as a connection error.
          expect((seen.error as APICallError).statusCode).toBeUndefined();
          expect(reasonOf(clock, seen.error)).toBe("connection");
          return;
        }
        expect(APICallError.isInstance(seen.error)).toBe(true);
        const error = seen.error as APICallError;
        expect(error.statusCode).toBe(wire.status);
        expect(error.isRetryable).toBe(RETRYABLE(wire.status));
        // The provider message (not the status-text fallback) proves the body matched the SDK's error schema.
        expect(error.message).toBe(wire.message);
        expect(error.responseHeaders?.["x-fleet-request-id"]).toBe(fleet.log.at(-1)!.id);
        expect(error.responseHeaders?.["retry-after-ms"]).toBe("5");
        expect(classify(error, { now_ms: clock.now() })).toMatchObject({
          reason,
          status: wire.status,
          retry_after_ms: 5,
        });
        expect(fleet.log.at(-1)).toMatchObject({ status: wire.status, fault: "http_error", completed: true });
      },
    );

    it.each(BODY_REASONS)(
      "reports stream_error %s before the first token as an error the classifier names",
      async (reason) => {
        const { seen } = await run(name, { kind: "stream_error", reason, after_tokens: 0 }, true);
        expect(seen.text).toBe("");
        expect(seen.error).toBeDefined();
        expect(reasonOf(clock, seen.error)).toBe(expectedStreamReason(name, reason, "first"));
      },
    );

    it.each(BODY_REASONS)(
      "keeps three tokens of partial text when stream_error %s comes after output",
      async (reason) => {
        const { seen } = await run(name, { kind: "stream_error", reason, after_tokens: 3 }, true);
        expect(seen.text).toBe(TOKENS.slice(0, 3).join(""));
        expect(seen.finishReason).toBe("error");
        expect(seen.errorVia).toBe("part");
        expect(reasonOf(clock, seen.error)).toBe(expectedStreamReason(name, reason, "after"));
      },
    );

    it.each([false, true])("fails a body cut mid-way as stream_cut (stream: %s)", async (stream) => {
      const { seen } = await run(name, { kind: "stream_cut", after_chunks: 5 }, stream);
      expect(seen.error).toBeDefined();
      expect(seen.finishReason).not.toBe("stop");
      expect(reasonOf(clock, seen.error)).toBe("stream_cut");
      expect(fleet.log.at(-1)).toMatchObject({ status: 200, outcome: "cut", completed: false });
    });

    it("reports a malformed frame as malformed_stream", async () => {
      const { seen } = await run(name, { kind: "malformed_chunk", at_chunk: 5 }, true);
      expect(seen.errorVia).toBe("part");
      expect(reasonOf(clock, seen.error)).toBe("malformed_stream");
    });

    it("ends a stream without its end marker with partial text and no stop", async () => {
      const { seen } = await run(name, { kind: "no_end_marker", after_tokens: 3 }, true);
      expect(seen.text).toBe(TOKENS.slice(0, 3).join(""));
      expect(seen.finishReason).not.toBe("stop");
      expect(fleet.log.at(-1)).toMatchObject({ outcome: "incomplete", completed: true });
    });

    it.each([false, true])(
      "reassembles frames split at random byte boundaries (stream: %s)",
      async (stream) => {
        const { seen } = await run(name, { kind: "split_frames", max_piece_bytes: 3 }, stream);
        expect(seen.text).toBe(DEFAULT_CANONICAL_TEXT);
        expect(seen.finishReason).toBe("stop");
      },
    );

    it.each([false, true])("answers the content filter the provider's way (stream: %s)", async (stream) => {
      const { seen, client } = await run(name, { kind: "content_filter", after_tokens: 2 }, stream);
      if (PROVIDER_PROFILES[client.provider].defaultFilterMode === "prompt") {
        expect((seen.error as APICallError).statusCode).toBe(client.provider === "azure" ? 400 : 403);
      } else {
        expect(seen.error).toBeUndefined();
        expect(seen.text).toBe(TOKENS.slice(0, 2).join(""));
        expect(seen.finishReason).toBe("content-filter");
      }
      expect(fleet.log.at(-1)!.outcome).toBe("content_filter");
    });

    it.each([502, 503, 504] as const)("parses a Cloudflare %s page by its status alone", async (status) => {
      const { seen } = await run(name, { kind: "html_gateway", status }, false);
      const error = seen.error as APICallError;
      expect(error.statusCode).toBe(status);
      expect(error.isRetryable).toBe(true);
      expect(reasonOf(clock, error)).toBe(
        status === 502 ? "bad_gateway" : status === 503 ? "unavailable" : "timeout",
      );
    });

    it.each(["connection_refused", "reset_before_bytes", "empty_response", "garbage_then_close"] as const)(
      "fails %s before any byte as a retryable connection error",
      async (kind) => {
        const { seen } = await run(name, { kind }, false);
        const error = seen.error as APICallError;
        expect(error.message).toMatch(/^Cannot connect to API/);
        expect(error.isRetryable).toBe(true);
        expect(reasonOf(clock, error)).toBe("connection");
        if (transport === "loopback") {
          const code = causeCode(error);
          const expected = {
            connection_refused: /^ECONNRESET$/,
            reset_before_bytes: /^ECONNRESET$/,
            empty_response: /^UND_ERR_SOCKET$/,
            garbage_then_close: /^HPE_/,
          }[kind];
          expect(code).toMatch(expected);
        }
        expect(fleet.log.at(-1)).toMatchObject({ status: null, outcome: "network_error" });
      },
    );

    it.each([false, true])(
      "delivers the whole answer late under slow_ttft and dribble, on virtual time only (stream: %s)",
      async (stream) => {
        const client = clientNamed(name);
        fleet.setFaults([
          { target: client.modelId, fault: { kind: "slow_ttft", delay: "2s" } },
          { target: client.modelId, fault: { kind: "dribble", interval: "10ms" } },
        ]);
        const startedAt = clock.now();
        const seen = await runOnVirtualTime(clock, observe(client.model, stream));
        expect(seen.text).toBe(DEFAULT_CANONICAL_TEXT);
        expect(seen.finishReason).toBe("stop");
        const elapsed = clock.now() - startedAt;
        expect(elapsed).toBeGreaterThanOrEqual(2_000 + 10);
        expect(elapsed).toBeLessThan(2_000 + 10 * 40);
        expect(fleet.log.at(-1)).toMatchObject({ fault: "slow_ttft+dribble", outcome: "ok" });
      },
    );

    it("does not pass a 200 carrying an error body off as the answer", async () => {
      const { seen } = await run(name, { kind: "error_in_200", reason: "server_error" }, false);
      expect(seen.text ?? "").not.toBe(DEFAULT_CANONICAL_TEXT);
      expect(fleet.log.at(-1)).toMatchObject({ status: 200, outcome: "error" });
    });
  });
});
