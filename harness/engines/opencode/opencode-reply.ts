import type { EngineUnderTestResult } from "../../../src/index.ts";

/**
 * OpenCode's answers read as an engine's result (pure; the shapes are recorded from 1.18.33 in
 * `fixtures/`). An assistant message carrying `error` is a failed request: OpenCode gave up (after its own
 * retries) and the caller sees that error, so the run rejects with it.
 */

/** OpenCode's error on an assistant message (`APIError`, `ProviderAuthError`, `UnknownError`, …). */
export class OpencodeError extends Error {
  override readonly name = "OpencodeError";
  constructor(
    message: string,
    /** OpenCode's own name for it: `APIError`, `ContextOverflowError`, … */
    readonly opencodeName: string,
    readonly statusCode: number | null,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An OpenCode error object (`{name, data: {message, statusCode?}}`) as a thrown error. */
export function opencodeError(error: unknown): OpencodeError {
  const name = isRecord(error) && typeof error.name === "string" ? error.name : "UnknownError";
  const data = isRecord(error) && isRecord(error.data) ? error.data : {};
  const status = typeof data.statusCode === "number" ? data.statusCode : null;
  const detail = typeof data.message === "string" ? data.message : JSON.stringify(error).slice(0, 300);
  return new OpencodeError(
    `OpenCode failed the prompt: ${name}${status === null ? "" : ` ${status}`}: ${detail}`,
    name,
    status,
  );
}

/** The visible text of message parts: `text` parts that are not synthetic or ignored, in order. */
function partsText(parts: readonly unknown[]): string {
  return parts
    .filter((p): p is Record<string, unknown> => isRecord(p) && p.type === "text")
    .filter((p) => p.synthetic !== true && p.ignored !== true)
    .map((p) => (typeof p.text === "string" ? p.text : ""))
    .join("");
}

/**
 * The reply of `POST /session/{id}/message` (`{info: AssistantMessage, parts}`) as a result: the model is
 * the one OpenCode says answered (`providerID/modelID`), `attempts` what its retry statuses counted.
 */
export function resultFromServeReply(reply: unknown, attempts: number): EngineUnderTestResult {
  const info = isRecord(reply) ? reply.info : undefined;
  if (!isRecord(info) || info.role !== "assistant")
    throw new OpencodeError(
      `OpenCode's reply holds no assistant message: ${JSON.stringify(reply).slice(0, 300)}`,
      "NoReply",
      null,
    );
  if (info.error !== undefined) throw opencodeError(info.error);
  const parts = isRecord(reply) && Array.isArray(reply.parts) ? reply.parts : [];
  const model =
    typeof info.providerID === "string" && typeof info.modelID === "string"
      ? `${info.providerID}/${info.modelID}`
      : "(OpenCode named no model)";
  return { model, text: partsText(parts), attempts };
}

/**
 * `opencode run --format json` output (one JSON event a line) as a result. The events name no model:
 * OpenCode core answers with the model it was given (`-m`) or fails, so that is the model. They carry no
 * retry count either, so `attempts` is 1 (the fleet's record is the ground truth).
 */
export function resultFromRunOutput(
  stdout: string,
  model: string,
  exitCode: number | null,
): EngineUnderTestResult {
  const texts: unknown[] = [];
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      continue; // a log line among the events: not OpenCode's answer
    }
    if (!isRecord(event)) continue;
    if (event.type === "error") throw opencodeError(event.error);
    if (event.type === "text" && isRecord(event.part)) texts.push(event.part);
  }
  if (exitCode !== 0)
    throw new OpencodeError(
      `opencode run exited ${String(exitCode)} without an error event; its output: ${stdout.slice(-300) || "(none)"}`,
      "Exit",
      null,
    );
  return { model, text: partsText(texts), attempts: 1 };
}

/** What one `/event` event means for a request in flight. */
export type SessionSignal =
  | { readonly kind: "delta"; readonly text: string }
  | { readonly kind: "reset"; readonly reason: string }
  | { readonly kind: "retry"; readonly attempt: number; readonly message: string }
  | { readonly kind: "none" };

/**
 * Follows one session's events: text deltas of the answer, a reset when OpenCode drops a text part it had
 * streamed (a retry throws partial text away), and its retry statuses. Deltas of parts announced as anything
 * but text (reasoning, tools) are not the answer's text.
 */
export function sessionFollower(): (event: unknown) => SessionSignal {
  const partTypes = new Map<string, string>();
  const streamed = new Set<string>();
  return (event) => {
    if (!isRecord(event) || !isRecord(event.properties)) return { kind: "none" };
    const props = event.properties;
    switch (event.type) {
      case "message.part.updated": {
        const part = props.part;
        if (isRecord(part) && typeof part.id === "string" && typeof part.type === "string")
          partTypes.set(part.id, part.type);
        return { kind: "none" };
      }
      case "message.part.delta": {
        if (props.field !== "text" || typeof props.delta !== "string" || typeof props.partID !== "string")
          return { kind: "none" };
        const type = partTypes.get(props.partID);
        if (type !== undefined && type !== "text") return { kind: "none" };
        streamed.add(props.partID);
        return props.delta === "" ? { kind: "none" } : { kind: "delta", text: props.delta };
      }
      case "message.part.removed": {
        const partID = props.partID;
        if (typeof partID !== "string" || !streamed.has(partID)) return { kind: "none" };
        streamed.delete(partID);
        return { kind: "reset", reason: "OpenCode dropped a partly streamed text part" };
      }
      case "session.status": {
        const status = props.status;
        if (!isRecord(status) || status.type !== "retry" || typeof status.attempt !== "number")
          return { kind: "none" };
        const message = typeof status.message === "string" ? status.message : "";
        return { kind: "retry", attempt: status.attempt, message };
      }
      default:
        return { kind: "none" };
    }
  };
}
