import type { Violation } from "../../check/violation-collector.ts";
import { esc } from "./escape.ts";

/** A violation as the report lists it, with its anchor (the timeline's marks link here). */
export interface ListedViolation {
  readonly violation: Violation;
  readonly anchor: string;
  /** `audit`: the audit checker; `fleet`: the fleet cross-check. */
  readonly source: "audit" | "fleet";
}

function contextBlock(v: Violation): string {
  // The checker's context holds the lines that led to the violation; the offending line itself is added
  // when it is not among them, so the reader always sees it highlighted.
  const lines = v.context.some((c) => c.line === v.line)
    ? [...v.context]
    : [...v.context, { line: v.line, text: v.text }];
  const rows = lines
    .sort((a, b) => a.line - b.line)
    .map(
      (c) =>
        `<span class="ctx-line${c.line === v.line ? " hit" : ""}"><span class="ln">${c.line}</span>${esc(c.text)}</span>`,
    )
    .join("");
  return `<pre class="ctx">${rows}</pre>`;
}

/**
 * The violations of a scenario, each with its rule, audit line number, message, request and model, and the
 * audit lines that led to it; each one links back to where the timeline draws it when it does.
 */
export function violationsHtml(
  items: readonly ListedViolation[],
  drawnAt: ReadonlyMap<number, string>,
  total: number,
  auditHref: string,
): string {
  if (items.length === 0) return "";
  const entries = items.map(({ violation: v, anchor, source }) => {
    const back = drawnAt.get(v.line);
    const where = [
      v.requestId !== null ? `request <code>${esc(v.requestId)}</code>` : "",
      v.model !== null ? `model <code>${esc(v.model)}</code>` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    return `<li id="${esc(anchor)}" class="violation"><div class="v-head"><span class="rule">${esc(v.rule)}</span><span class="v-line">${source === "fleet" ? "fleet cross-check, " : ""}audit line ${v.line}</span>${back ? `<a class="back" href="#${esc(back)}">on the timeline ↑</a>` : ""}</div><p class="v-msg">${esc(v.message)}</p>${where ? `<p class="v-where">${where}</p>` : ""}${contextBlock(v)}</li>`;
  });
  const more =
    total > items.length
      ? `<p class="muted">${total - items.length} more violation(s) not listed: run <code>fallback-harness check</code> on <a href="${esc(auditHref)}">the audit log</a>.</p>`
      : "";
  return `<h4>Violations (${total})</h4><ol class="violations">${entries.join("")}</ol>${more}`;
}
