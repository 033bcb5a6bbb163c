import { APICallError } from "@ai-sdk/provider";
import type { AuditEvent } from "../audit/events.ts";
import { MemoryAuditSink } from "../audit/memory-sink.ts";
import { parseConfig } from "../config/parse-config.ts";
import { ManualClock } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import { createRandom } from "../core/random.ts";
import { runOnVirtualTime } from "../../harness/sim/virtual-time.ts";
import { createEngine, type EnginePorts, type EngineRequest } from "./engine.ts";
import { ScriptedCaller, type ScriptStep } from "./scripted-caller.ts";

/** Test models: three providers so provider-shaped errors stay realistic. */
export const A = "openai/gpt-a" as ModelId;
export const B = "anthropic/claude-b" as ModelId;
export const C = "google/gemini-c" as ModelId;

/** An AI SDK APICallError, as the real providers raise it. */
export function httpError(
  status: number,
  body: unknown = {},
  headers: Record<string, string> = {},
): APICallError {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new APICallError({
    message: `HTTP ${status}`,
    url: "https://provider.test/v1",
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    responseBody: text,
    isRetryable: status === 408 || status === 429 || status >= 500,
  });
}

/** A Node-style connection reset, as fetch surfaces it. */
export function connectionReset(): Error {
  return Object.assign(new TypeError("fetch failed"), {
    cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
  });
}

/** Settings that make waits exact: no jitter, small bases. */
export const EXACT_BACKOFF = {
  network: { base_ms: 1000, factor: 2, max_ms: 30_000, jitter: 0 },
  rate_limit: { base_ms: 2000, factor: 2, max_ms: 60_000, jitter: 0 },
};

/** An engine on a manual clock with a scripted caller and an in-memory, schema-validated audit. */
export function kit(
  raw: Record<string, unknown>,
  scripts: Readonly<Record<string, readonly ScriptStep[]>>,
  ports: Partial<EnginePorts> = {},
) {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.problems)}`);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const caller = new ScriptedCaller(clock, scripts);
  const sink = new MemoryAuditSink();
  const engine = createEngine(parsed.config, {
    clock,
    random: createRandom(7),
    caller,
    audit: sink,
    validateAudit: true,
    ...ports,
  });
  const start = clock.now();
  return {
    clock,
    caller,
    sink,
    engine,
    start,
    run: (request: Partial<EngineRequest> = {}) =>
      runOnVirtualTime(clock, engine.run({ agent: "build", prompt: "hi", stream: false, ...request })),
    /** The audit as short lines, easy to compare whole. */
    brief: () => sink.events().map(brief),
  };
}

/** One audit event as a short line. */
export function brief(e: AuditEvent): string {
  switch (e.event) {
    case "fallback_request":
      return `request [${e.chain.join(",")}]`;
    case "fallback_attempt":
      return `attempt ${e.model} #${e.attempt}.${e.model_attempt}`;
    case "fallback_failure":
      return `failure ${e.model} ${e.reason} ${e.action}${e.delay_ms === null ? "" : ` ${e.delay_ms}ms`}`;
    case "fallback_success":
      return `success ${e.model}${e.fallback ? " (fallback)" : ""}`;
    case "fallback_model_skipped":
      return `skipped ${e.model} ${e.reason}`;
    case "circuit_transition":
      return `circuit ${e.model} ${e.from}>${e.to} ${e.cause}`;
    case "fallback_promoted":
      return `promoted ${e.model}`;
    case "fallback_exhausted":
      return `exhausted ${e.reason}`;
    default: {
      const unreachable: never = e;
      return String(unreachable);
    }
  }
}
