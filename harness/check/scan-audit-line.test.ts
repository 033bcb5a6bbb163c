import { describe, expect, it } from "vitest";
import { parseAuditLine } from "../oracle/audit-schema.ts";
import { scanAuditLine, scanMayHoldSecret, scannedTsMs } from "./scan-audit-line.ts";

/*
 * The scanner's per-event tail cache (the text after the agent, read once and reused when the next line of
 * the event ends alike): a reused tail must give exactly the values the text says, never leak from a line
 * that failed, and never hand two lines the same array. The property test covers random lines; these pin
 * the sequences where a cache goes wrong.
 */

function row(fields: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, seq: 1, ts: "2026-01-01T00:00:00.000Z", ...fields });
}

function attempt(requestId: string, extra: Record<string, unknown> = {}): string {
  return row({
    event: "fallback_attempt",
    request_id: requestId,
    agent: "build",
    model: "openai/gpt-4o",
    attempt: 1,
    model_attempt: 1,
    ...extra,
  });
}

/** What JSON.parse + the oracle's schema make of the line. */
function slow(text: string): unknown {
  const parsed = parseAuditLine(JSON.parse(text));
  return parsed.ok ? parsed.line : undefined;
}

describe("scanAuditLine's reuse of a line's tail", () => {
  it("reads a line that ends like the last one as the same values, with its own head", () => {
    scanAuditLine(attempt("r-1"));
    const second = attempt("r-2");
    expect(scanAuditLine(second)).toEqual(slow(second));
    const other = attempt("r-3", { attempt: 2, model_attempt: 2 });
    expect(scanAuditLine(other)).toEqual(slow(other));
  });

  it("refuses a line cut right after its agent, even after a line of the event failed half way", () => {
    scanAuditLine(attempt("r-1"));
    // Fails at its last field: the tail read so far must not be taken for a whole one.
    expect(scanAuditLine(attempt("r-2", { model_attempt: 0 }))).toBeUndefined();
    const cut = attempt("r-3").replace(/,"model".*$/, "");
    expect(scanAuditLine(cut)).toBeUndefined();
    expect(scanAuditLine(`${cut}}`)).toBeUndefined();
  });

  it("gives each request line its own chain array", () => {
    const request = (id: string): string =>
      row({
        event: "fallback_request",
        request_id: id,
        agent: "build",
        chain: ["openai/gpt-4o", "anthropic/claude-sonnet-4-5"],
        primary: "openai/gpt-4o",
      });
    const first = scanAuditLine(request("r-1"));
    const second = scanAuditLine(request("r-2"));
    expect(second).toEqual(slow(request("r-2")));
    if (first?.event !== "fallback_request" || second?.event !== "fallback_request")
      throw new Error("both lines should scan");
    expect(second.chain).not.toBe(first.chain);
  });

  it("keeps a reused tail's suspicion of a credential, and the line's own time", () => {
    const secretModel = { model: "openai/sk-abcdefghijklmnopqrstuv" };
    scanAuditLine(attempt("r-1", secretModel));
    expect(scanAuditLine(attempt("r-2", secretModel))).toBeDefined();
    expect(scanMayHoldSecret()).toBe(true);
    expect(scanAuditLine(attempt("r-3"))).toBeDefined();
    expect(scanMayHoldSecret()).toBe(false);
    const later = attempt("r-4").replace("00:00:00.000Z", "00:00:01.250Z");
    expect(scanAuditLine(later)).toBeDefined();
    expect(scannedTsMs()).toBe(Date.parse("2026-01-01T00:00:01.250Z"));
  });

  it("reports a line's own time, not a cooldown_until read after it", () => {
    const transition = row({
      ts: "2026-01-01T00:00:02.000Z",
      event: "circuit_transition",
      request_id: "r-5",
      agent: "build",
      model: "openai/gpt-4o",
      from: "closed",
      to: "open",
      failures: 3,
      cooldown_until: "2026-01-01T00:01:00.000Z",
      cause: "server_error",
    });
    expect(scanAuditLine(transition)).toEqual(slow(transition));
    expect(scannedTsMs()).toBe(Date.parse("2026-01-01T00:00:02.000Z"));
    const next = attempt("r-5").replace("00:00:00.000Z", "00:00:02.000Z");
    expect(scanAuditLine(next)).toBeDefined();
    expect(scannedTsMs()).toBe(Date.parse("2026-01-01T00:00:02.000Z"));
  });
});

describe("scanAuditLine's reading of a time in the last line's second", () => {
  const at = (millis: string, requestId = "r-1"): string =>
    attempt(requestId).replace("00:00:00.000Z", `00:00:07.${millis}`);

  it("reads each new millisecond as its own time and hands a repeated one out again", () => {
    for (const [millis, id] of [
      ["120Z", "r-1"],
      ["121Z", "r-1"],
      ["999Z", "r-2"],
      ["000Z", "r-2"],
    ] as const) {
      const line = scanAuditLine(at(millis, id));
      expect(line).toEqual(slow(at(millis, id)));
      expect(scannedTsMs()).toBe(Date.parse(`2026-01-01T00:00:07.${millis}`));
    }
  });

  it("refuses a bad millisecond or zone in that second, and keeps the last good time", () => {
    expect(scanAuditLine(at("120Z"))).toBeDefined();
    for (const bad of ["12xZ", "1x0Z", "x20Z", "12/Z", "12:Z", "121z", "121+"])
      expect(scanAuditLine(at(bad)), bad).toBeUndefined();
    expect(scanAuditLine(at("121Z"))?.ts).toBe("2026-01-01T00:00:07.121Z");
    expect(scannedTsMs()).toBe(Date.parse("2026-01-01T00:00:07.121Z"));
  });
});
