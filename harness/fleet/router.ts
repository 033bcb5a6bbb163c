import { deriveRandom, type Clock, type Random } from "../../src/index.ts";
import { writesAnswer } from "./answer-written.ts";
import type { ContentSource } from "./content.ts";
import { estimateTokens, tokenize } from "./content.ts";
import type { HttpReason } from "./faults.ts";
import type { FleetRequest } from "./fleet-request.ts";
import { injectedReason, NO_RETRY_AFTER, retryAfterSent } from "./injection.ts";
import { planReply, type Reply } from "./plan.ts";
import { PROVIDER_PROFILES } from "./providers/catalog.ts";
import type { FleetProvider, WireApi } from "./providers/types.ts";
import { readRequestMarker } from "./request-marker.ts";
import type { MutableLogEntry } from "./request-log.ts";
import type { FaultSchedule, Selection } from "./schedule.ts";
import { anthropicMessages } from "./wire/anthropic-messages.ts";
import { gemini } from "./wire/gemini.ts";
import { openaiChat } from "./wire/openai-chat.ts";
import { openaiResponses } from "./wire/openai-responses.ts";
import type { ReplyContext, WireFormat } from "./wire/types.ts";

const WIRES: Readonly<Record<WireApi, WireFormat>> = {
  "openai-chat": openaiChat,
  "openai-responses": openaiResponses,
  "anthropic-messages": anthropicMessages,
  gemini,
};

/** Where a URL lands: the provider, and the path below that provider's origin. */
export interface Location {
  readonly provider: FleetProvider;
  readonly path: string;
}

/** What the router needs from the fleet. */
export interface RouterDeps {
  readonly clock: Clock;
  readonly seed: number;
  readonly content: ContentSource;
  /** Served model names per provider. */
  readonly models: Readonly<Record<FleetProvider, ReadonlySet<string>>>;
  /** The one valid API key per provider. */
  readonly keys: Readonly<Record<FleetProvider, string>>;
  /** The current schedule (replaced by `setFaults`). */
  readonly schedule: () => FaultSchedule;
  /** Maps a URL to a provider, or undefined when the fleet does not serve it. */
  readonly locate: (url: URL) => Location | undefined;
  /** Appends an entry to the request log. */
  readonly record: (entry: MutableLogEntry) => void;
}

/** A routed request: the reply to send and its (live) log entry. */
export interface Routed {
  readonly reply: Reply;
  readonly entry: MutableLogEntry;
}

/** The fleet's own router, behind the one catch-all msw handler. */
export interface FleetRouter {
  /** True when the fleet serves this URL (the msw handler's predicate). */
  owns(url: string): boolean;
  /** Answers one request; never throws (a thrown resolver would become msw's own 500). */
  handle(request: FleetRequest): Promise<Routed>;
}

/**
 * Creates the router: locate the provider, find the API from the path, check the key and the model the
 * way the provider does (bad key → its auth error, unknown model → its own 404), then let the fault
 * schedule and the planner decide the answer.
 */
export function createRouter(deps: RouterDeps): FleetRouter {
  let seq = 0;
  const streams = new Map<string, Random>();
  const streamFor = (purpose: string): Random => {
    let random = streams.get(purpose);
    if (random === undefined) {
      random = deriveRandom(deps.seed, purpose);
      streams.set(purpose, random);
    }
    return random;
  };

  return {
    owns(url) {
      try {
        return deps.locate(new URL(url)) !== undefined;
      } catch {
        return false;
      }
    },
    async handle(request) {
      const url = new URL(request.url);
      const where = deps.locate(url);
      const provider: FleetProvider = where?.provider ?? "openai";
      const profile = PROVIDER_PROFILES[provider];
      const route = where === undefined ? undefined : profile.route(request.method, where.path);
      const bodyText = await request.text().catch(() => "");
      const json = parseJson(bodyText);
      const bodyModel = isRecord(json) && typeof json["model"] === "string" ? json["model"] : "";
      const model = route?.pathModel ?? bodyModel;
      const stream = route?.pathStream ?? (isRecord(json) && json["stream"] === true);
      const modelId = `${provider}/${model}`;
      const nowMs = deps.clock.now();
      seq += 1;
      const entry: MutableLogEntry = {
        id: `req_fleet_${String(seq).padStart(6, "0")}`,
        seq,
        at: nowMs,
        provider,
        model: modelId,
        method: request.method,
        path: where?.path ?? url.pathname,
        api: route?.api ?? null,
        stream,
        fault: null,
        status: null,
        bytes: 0,
        completed: false,
        outcome: "pending",
        latency_ms: 0,
        ended_at: null,
        fault_kind: null,
        reason: null,
        retry_after: NO_RETRY_AFTER,
        request: readRequestMarker(json),
        answer: null,
      };
      deps.record(entry);

      const wire = WIRES[route?.api ?? "openai-chat"];
      const baseCtx: ReplyContext = {
        provider,
        api: route?.api ?? "openai-chat",
        model,
        requestId: entry.id,
        nowMs,
        tokens: [],
        promptTokens: estimateTokens(bodyText),
      };
      const plain = (reason: HttpReason, status?: number): Routed => {
        const selection: Selection = {
          shapers: [],
          primary: {
            name: "",
            fault: { kind: "http_error", reason, ...(status === undefined ? {} : { status }) },
          },
        };
        const reply = planReply({
          profile,
          wire,
          ctx: baseCtx,
          stream,
          selection,
          random: streamFor(`fleet/${modelId}/shape`),
        });
        // No fault was scheduled: the provider's own check answered. A path it does not serve is a 404 that
        // SPEC §3 would read as model_not_found, so that one claims no reason.
        entry.reason = status === 404 ? null : reason;
        entry.retry_after = retryAfterSent(reply);
        return { reply, entry };
      };

      if (route === undefined) return plain("invalid_request", 404);
      if (json === undefined) return plain("invalid_request");
      if (profile.apiKey(request, url) !== deps.keys[provider]) return plain("auth");
      if (!deps.models[provider].has(model)) return plain("model_not_found");

      const selection = deps.schedule().select({ provider, modelId, apiKey: deps.keys[provider], nowMs });
      const names = [
        ...selection.shapers.map((s) => s.name),
        ...(selection.primary === null ? [] : [selection.primary.name]),
      ];
      entry.fault = names.length === 0 ? null : names.join("+");
      const text = deps.content.answer(streamFor(`fleet/${modelId}`), modelId);
      const ctx: ReplyContext = { ...baseCtx, tokens: tokenize(text) };
      const reply = planReply({
        profile,
        wire,
        ctx,
        stream,
        selection,
        random: streamFor(`fleet/${modelId}/shape`),
      });
      entry.fault_kind = selection.primary?.fault.kind ?? null;
      entry.reason = injectedReason(selection.primary?.fault ?? null, stream);
      entry.retry_after = retryAfterSent(reply);
      if (writesAnswer(selection.primary?.fault ?? null, stream, profile.defaultFilterMode))
        entry.answer = text;
      return { reply, entry };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
