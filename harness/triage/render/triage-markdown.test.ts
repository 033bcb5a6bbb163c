import { describe, expect, it } from "vitest";
import { AuditLogBuilder, PRIMARY, servedByPrimary, triageOf } from "../triage-test-kit.ts";
import { EVIL_ID, eventfulLog } from "./render-test-logs.ts";
import { triageMarkdown } from "./triage-markdown.ts";

describe("triage.md", () => {
  const md = triageMarkdown(triageOf(eventfulLog(), { file: "incident.jsonl" }));

  it("opens with the summary and lists each action with its threshold, evidence and change", () => {
    expect(md.split("\n").slice(0, 3)).toEqual([
      "# Triage: incident.jsonl",
      "",
      "43 line(s), 7 request(s) over 4 min 3 s: 6 served (4 by a fallback), 1 ended in error, 0 unfinished; 13 attempt(s), 7 failure(s), 0 skip(s), 9 circuit transition(s).",
    ]);
    expect(md).toContain(
      "**Lengthen the cooldown of flapping openai/gpt-4.1 (or move it later in the chain)** (`lengthen-cooldown`; runbook Diagnose 2: inspect circuit thresholds/cooldown values)",
    );
    expect(md).toContain(
      "   - Change: `fallback.circuit_breaker.cooldown_ms`: `60000` (as the log shows it) → `120000`",
    );
    expect(md).toContain("   - Threshold: at least 3 open → half_open → open cycles");
  });

  it("keeps a | from the log inside its table cell", () => {
    expect(md).toContain(EVIL_ID.replace("|", "\\|"));
    expect(md).not.toContain(`| ${EVIL_ID} |`);
  });

  it("says nothing is to be done for a clean log, and still lists the rules it checked", () => {
    const clean = triageMarkdown(triageOf(servedByPrimary(new AuditLogBuilder(), ["a"])));
    expect(clean).toContain(
      'Nothing to suggest: none of the 8 runbook rules fired (see "Rules checked" below).',
    );
    expect(clean).toContain(
      "| reorder-chain | Recover 1: reorder agent.<name>.models to healthier candidates |",
    );
    expect(clean).toContain(`| ${PRIMARY} | 1 | 0 | 0 % | 0 | — | — |`);
  });

  it("gives the same bytes for the same log", () => {
    expect(triageMarkdown(triageOf(eventfulLog(), { file: "incident.jsonl" }))).toBe(md);
  });
});
