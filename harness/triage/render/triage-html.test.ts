import { describe, expect, it } from "vitest";
import { AuditLogBuilder, servedByPrimary, triageOf } from "../triage-test-kit.ts";
import { EVIL_AGENT, EVIL_ID, eventfulLog } from "./render-test-logs.ts";
import { triageHtml } from "./triage-html.ts";

const VOID = new Set(["meta", "br", "hr", "img", "input", "link"]);

/** The first tag that closes out of order or stays open, or null: "well-formed enough" for a browser and a reader. */
function unbalanced(html: string): string | null {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = (rawName ?? "").toLowerCase();
    if (selfClosing === "/" || VOID.has(name)) continue;
    if (closing === "") stack.push(name);
    else if (stack.pop() !== name) return `</${name}> at ${match.index}`;
  }
  return stack.length === 0 ? null : `<${stack.join("><")}> left open`;
}

describe("triage.html", () => {
  const html = triageHtml(triageOf(eventfulLog(), { file: "incident.jsonl" }));

  it("draws each of the three charts as one SVG", () => {
    expect(html.match(/<svg\b/g)).toHaveLength(3);
    expect([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "failures-by-reason",
      "breaker-timeline",
      "waiting",
    ]);
    expect(html).toMatch(/data-state="open"/);
    expect(html).toMatch(/data-reason="server_error"/);
  });

  it("escapes every string from the log", () => {
    expect(html).not.toContain(EVIL_AGENT);
    expect(html).not.toContain("req|<b>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain(EVIL_ID);
    expect(html).toContain("req|&lt;b&gt;&amp;&#39;1");
  });

  it("is well-formed enough, self-contained and without script", () => {
    expect(unbalanced(html)).toBeNull();
    expect(html).not.toMatch(/<script|<link|\bsrc="http|url\(/i);
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });

  it("gives the same bytes for the same log", () => {
    expect(triageHtml(triageOf(eventfulLog(), { file: "incident.jsonl" }))).toBe(html);
  });

  it("draws no chart for a clean log and says there is nothing to suggest", () => {
    const clean = triageHtml(triageOf(servedByPrimary(new AuditLogBuilder(), ["a"])));
    expect(clean).not.toMatch(/<svg\b/);
    expect(clean).toContain("Nothing to suggest");
    expect(unbalanced(clean)).toBeNull();
  });
});
