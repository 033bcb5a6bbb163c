import type { PromptMessage } from "../../../src/index.ts";
import { OpencodeError } from "./opencode-reply.ts";

/**
 * A thin client of `opencode serve`'s HTTP API (its OpenAPI document is at `/doc`): sessions, the
 * synchronous prompt endpoint, abort, and the `/event` stream (one connection, events routed by session).
 */
export interface ServeClient {
  /** Settles once the `/event` stream is connected (so no delta of the first prompt is missed). */
  readonly ready: Promise<void>;
  createSession(title: string): Promise<string>;
  /**
   * Sends the prompt (`POST /session/{id}/prompt_async`) and waits until OpenCode is done with it (the
   * session no longer busy or retrying, its last message a finished assistant message), then answers that
   * message (`{info, parts}`). Not the synchronous endpoint: a fetch gives up waiting for headers after
   * 300 s, and OpenCode's own retries can take longer.
   */
  prompt(sessionID: string, body: PromptBody, signal?: AbortSignal): Promise<unknown>;
  abort(sessionID: string): Promise<void>;
  /** Routes the session's events to `listener` until the returned function is called. */
  follow(sessionID: string, listener: (event: unknown) => void): () => void;
  close(): void;
}

export interface PromptBody {
  readonly model: { readonly providerID: string; readonly modelID: string };
  readonly parts: readonly { readonly type: "text"; readonly text: string }[];
  readonly system?: string;
}

/**
 * A harness prompt's conversation as one OpenCode message (OpenCode takes one user message per prompt): a
 * lone user turn as itself, several turns as a transcript. System messages are left out.
 */
export function conversationText(prompt: string | readonly PromptMessage[]): string {
  if (typeof prompt === "string") return prompt;
  const turns = prompt.filter((m) => m.role !== "system");
  return turns.length === 1 && turns[0]?.role === "user"
    ? turns[0].content
    : turns.map((m) => `${m.role}: ${m.content}`).join("\n\n");
}

/** A harness prompt as OpenCode's: system messages as `system`, the conversation as one text part. */
export function promptBody(
  prompt: string | readonly PromptMessage[],
  model: { providerID: string; modelID: string },
): PromptBody {
  const system =
    typeof prompt === "string" ? [] : prompt.filter((m) => m.role === "system").map((m) => m.content);
  return {
    model,
    parts: [{ type: "text", text: conversationText(prompt) }],
    ...(system.length > 0 ? { system: system.join("\n\n") } : {}),
  };
}

async function json(response: Response, what: string): Promise<unknown> {
  const body = await response.text();
  if (!response.ok)
    throw new OpencodeError(
      `OpenCode's ${what} answered ${response.status}: ${body.slice(0, 300)}`,
      "Http",
      response.status,
    );
  return body === "" ? null : (JSON.parse(body) as unknown);
}

/** How often a prompt in flight is polled for its end (the answer's latency grows by up to this much). */
const POLL_MS = 100;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function serveClient(baseURL: string): ServeClient {
  const listeners = new Map<string, (event: unknown) => void>();
  const events = new AbortController();
  const post = (path: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
    fetch(`${baseURL}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  const get = (path: string, signal?: AbortSignal): Promise<Response> =>
    fetch(`${baseURL}${path}`, signal ? { signal } : {});
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  // One `/event` connection for the scenario; it ends with `close`. A lost stream only loses deltas and
  // retry counts: the prompt's own reply still carries the answer.
  void (async () => {
    try {
      const response = await fetch(`${baseURL}/event`, { signal: events.signal });
      connected();
      if (response.body === null) return;
      const decoder = new TextDecoder();
      let buffer = "";
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of frame.split("\n")) {
            if (!line.startsWith("data:")) continue;
            const event = JSON.parse(line.slice(5).trim()) as { properties?: { sessionID?: unknown } };
            const sessionID = event.properties?.sessionID;
            if (typeof sessionID === "string") listeners.get(sessionID)?.(event);
          }
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // Closed by `close`, or OpenCode went away: the prompts in flight fail on their own.
    } finally {
      connected();
    }
  })();
  return {
    ready,
    async createSession(title) {
      const session = await json(await post("/session", { title }), "session create");
      const id = (session as { id?: unknown } | null)?.id;
      if (typeof id !== "string")
        throw new OpencodeError("OpenCode created a session without an id", "Http", null);
      return id;
    },
    async prompt(sessionID, body, signal) {
      await json(await post(`/session/${sessionID}/prompt_async`, body, signal), "prompt");
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        const statuses = await json(await get("/session/status", signal), "session status");
        const status = isRecord(statuses) ? statuses[sessionID] : undefined;
        if (isRecord(status) && (status.type === "busy" || status.type === "retry")) continue;
        const messages = await json(await get(`/session/${sessionID}/message`, signal), "messages");
        const last = Array.isArray(messages) ? (messages.at(-1) as unknown) : undefined;
        const info = isRecord(last) ? last.info : undefined;
        if (
          isRecord(info) &&
          info.role === "assistant" &&
          (info.error !== undefined || (isRecord(info.time) && info.time.completed !== undefined))
        )
          return last;
      }
    },
    async abort(sessionID) {
      const response = await post(`/session/${sessionID}/abort`, {});
      await response.body?.cancel();
    },
    follow(sessionID, listener) {
      listeners.set(sessionID, listener);
      return () => listeners.delete(sessionID);
    },
    close: () => events.abort(),
  };
}
