/**
 * HTML escaping for the report. Everything shown comes from the engine under test (request ids, model ids,
 * error messages, audit lines), so every string goes through `esc` — in text and in attribute values alike.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes a value for HTML text or a double- or single-quoted attribute. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Shortens a label to `max` characters with an ellipsis; escape the result afterwards. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
