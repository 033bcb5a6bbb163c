import { createOpenAI } from "@ai-sdk/openai";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { ManualClock, classify } from "../../src/index.ts";
import { createFleet } from "./fleet.ts";
import { HTTP_REASONS, type FaultInput } from "./faults.ts";

const transport = (process.argv[2] ?? "inproc") as "inproc" | "loopback";
const clock = new ManualClock();
const fleet = await createFleet({ clock, seed: 1, transport, content: "canonical" });
const e = fleet.endpoints;
const models = {
  responses: ["openai/gpt-4o", createOpenAI({ ...e.openai, fetch: fleet.fetch }).responses("gpt-4o")],
  chat: ["openai/gpt-4o", createOpenAI({ ...e.openai, fetch: fleet.fetch }).chat("gpt-4o")],
  anthropic: ["anthropic/claude-haiku-4-5", createAnthropic({ ...e.anthropic, fetch: fleet.fetch })("claude-haiku-4-5")],
  google: ["google/gemini-2.5-flash", createGoogleGenerativeAI({ ...e.google, fetch: fleet.fetch })("gemini-2.5-flash")],
  openrouter: ["openrouter/openai/gpt-4o", createOpenAICompatible({ name: "openrouter", ...e.openrouter, fetch: fleet.fetch, includeUsage: true }).chatModel("openai/gpt-4o")],
  azure: ["azure/gpt-4o", createOpenAICompatible({ name: "azure", ...e.azure, headers: { "api-key": e.azure.apiKey }, fetch: fleet.fetch, includeUsage: true }).chatModel("gpt-4o")],
} as const;
const faults: FaultInput[] = process.argv[3] === "stream" ? [
  { kind: "error_in_200", reason: "server_error" },
  { kind: "stream_error", reason: "overloaded", after_tokens: 0 },
  { kind: "stream_error", reason: "rate_limit", after_tokens: 0 },
  { kind: "stream_error", reason: "server_error", after_tokens: 3 },
  { kind: "stream_cut", after_chunks: 5 },
  { kind: "malformed_chunk", at_chunk: 5 },
  { kind: "no_end_marker", after_tokens: 3 },
  { kind: "split_frames", max_piece_bytes: 5 },
  { kind: "content_filter", after_tokens: 2 },
  { kind: "content_filter", mode: "prompt" },
  { kind: "connection_refused" }, { kind: "reset_before_bytes" }, { kind: "empty_response" }, { kind: "garbage_then_close" },
  { kind: "html_gateway", status: 502 },
] : HTTP_REASONS.map((reason) => ({ kind: "http_error", reason, retry_after_ms: 5 }) as FaultInput);
for (const fault of faults) {
  for (const [name, [id, model]] of Object.entries(models)) {
    fleet.setFaults([{ target: id, fault }]);
    for (const stream of [false, true]) {
      let out = "";
      try {
        if (!stream) {
          const g = await generateText({ model, prompt: "hi", maxRetries: 0 });
          out = `OK ${JSON.stringify(g.text)} ${g.finishReason}`;
        } else {
          const s = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => undefined });
          const parts: string[] = [];
          let errs = "";
          for await (const p of s.fullStream) { parts.push(p.type); if (p.type === "error") { const c = classify(p.error, { now_ms: clock.now() }); errs += ` ERRPART(${(p.error as any)?.name ?? typeof p.error} ${(p.error as any)?.statusCode} retry=${(p.error as any)?.isRetryable} ${String((p.error as any)?.message).slice(0, 80)} → ${c.reason})`; } }
          out = `STREAM text=${JSON.stringify(await s.text.catch((x) => "REJ:" + x.name))} fin=${await s.finishReason.catch(() => "rej")} parts=${parts.filter(p=>p!=="text-delta").join(",")}${errs}`;
        }
      } catch (err: any) {
        const c = classify(err, { now_ms: clock.now() });
        out = `THROW ${err.name} status=${err.statusCode} retry=${err.isRetryable} msg=${String(err.message).slice(0, 90)} cause=${err.cause?.code ?? err.cause?.cause?.code ?? ""} → ${c.type}/${c.reason} ra=${c.retry_after_ms}`;
      }
      console.log(`${fault.kind}:${(fault as any).reason ?? (fault as any).mode ?? ""} ${name} ${stream ? "S" : "G"} ${out}`);
    }
  }
}
await fleet.close();
