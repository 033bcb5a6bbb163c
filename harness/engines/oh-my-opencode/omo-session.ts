import type { EngineUnderTestResult } from "../../../src/index.ts";

/**
 * Where a request stands, read from its session's messages (`GET /session/{id}/message`; pure). With
 * runtime_fallback a request is not one assistant message: when it falls back it aborts the message in
 * flight (which then ends with neither `finish` nor `error`) or lets it end with an error, and re-sends the
 * user's message on the next model, which adds another assistant message to the same session (recorded from
 * 1.18.33 + 4.19.4 in `fixtures/`). So a stopped message is an answer only when nothing follows it.
 */
export type SessionState =
  | { readonly kind: "pending" }
  | { readonly kind: "answered"; readonly result: EngineUnderTestResult }
  /** The last assistant message ended without an answer; `error` is OpenCode's, when it gave one. */
  | {
      readonly kind: "stopped";
      readonly messageID: string;
      /** When OpenCode created that message (epoch ms; 0 when it gave none). */
      readonly created: number;
      readonly error: unknown;
      readonly model: string;
      readonly attempts: number;
    };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The visible text of message parts: `text` parts that are not synthetic or ignored, in order. */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  return parts
    .filter((p): p is Record<string, unknown> => isRecord(p) && p.type === "text")
    .filter((p) => p.synthetic !== true && p.ignored !== true)
    .map((p) => (typeof p.text === "string" ? p.text : ""))
    .join("");
}

function modelOf(info: Record<string, unknown>): string {
  return typeof info.providerID === "string" && typeof info.modelID === "string"
    ? `${info.providerID}/${info.modelID}`
    : "(OpenCode named no model)";
}

/**
 * Finish reasons after which OpenCode's loop sends the conversation again rather than ending the turn
 * (1.18.33: a step ends the turn only when its finish is neither): a message that ended so is one step of a
 * turn still running, never its answer, even when nothing follows it yet.
 */
const TURN_CONTINUES: ReadonlySet<string> = new Set(["tool-calls", "unknown"]);

export function sessionState(messages: unknown): SessionState {
  if (!Array.isArray(messages)) return { kind: "pending" };
  const assistants = messages.filter(
    (m): m is { info: Record<string, unknown>; parts?: unknown } =>
      isRecord(m) && isRecord(m.info) && m.info.role === "assistant",
  );
  const last = assistants.at(-1);
  if (last === undefined) return { kind: "pending" };
  const { info } = last;
  const completed = isRecord(info.time) && typeof info.time.completed === "number";
  if (!completed || (typeof info.finish === "string" && TURN_CONTINUES.has(info.finish)))
    return { kind: "pending" };
  // Each assistant message is at least one provider call (OpenCode's own retries inside one are not seen).
  const attempts = assistants.length;
  if (info.error === undefined && typeof info.finish === "string")
    return { kind: "answered", result: { model: modelOf(info), text: partsText(last.parts), attempts } };
  return {
    kind: "stopped",
    messageID: typeof info.id === "string" ? info.id : `#${assistants.length}`,
    created: isRecord(info.time) && typeof info.time.created === "number" ? info.time.created : 0,
    error: info.error,
    model: modelOf(info),
    attempts,
  };
}

/** Whether `GET /session/status` lists the session (OpenCode lists the sessions whose turn is running). */
export function isBusy(statuses: unknown, sessionID: string): boolean {
  return isRecord(statuses) && sessionID in statuses;
}
