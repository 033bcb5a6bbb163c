import type { IncidentLine } from "./incident-line.ts";
import type { IncidentReadResult } from "./incident-reader.ts";
import { readIncidentLines, type IncidentLinesOptions } from "./read-incident-log.ts";

/** Two models for hand-written lines. */
export const A = "anthropic/claude-sonnet-4-5";
export const B = "openai/gpt-4.1";

/** `2025-01-01T12:00:00.000Z` plus `ms`, as SPEC §8 writes it. */
export function at(ms: number): string {
  return new Date(Date.UTC(2025, 0, 1, 12) + ms).toISOString();
}

/** Reads lines (objects are JSON-encoded) and collects what reached the consumer, in delivery order. */
export async function readAll(
  lines: readonly (string | Record<string, unknown>)[],
  options: IncidentLinesOptions = { endedWithNewline: () => true },
): Promise<{ lines: IncidentLine[]; summary: IncidentReadResult }> {
  const out: IncidentLine[] = [];
  const text = lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line)));
  const summary = await readIncidentLines(text, (line) => out.push(line), options);
  return { lines: out, summary };
}

/** A complete SPEC §8 request: request, attempt, success on `A`. */
export function specRequest(id: string, firstSeq: number, ms = 0): Record<string, unknown>[] {
  const common = { v: 1, request_id: id, agent: "build" };
  return [
    { ...common, seq: firstSeq, ts: at(ms), event: "fallback_request", chain: [A, B], primary: A },
    {
      ...common,
      seq: firstSeq + 1,
      ts: at(ms),
      event: "fallback_attempt",
      model: A,
      attempt: 1,
      model_attempt: 1,
    },
    {
      ...common,
      seq: firstSeq + 2,
      ts: at(ms + 10),
      event: "fallback_success",
      model: A,
      attempt: 1,
      latency_ms: 10,
      fallback: false,
    },
  ];
}
