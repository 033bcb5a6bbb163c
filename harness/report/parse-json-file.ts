import type { z } from "zod";

/** A report file of ours read back: its data, or one message naming the file and what is wrong with it. */
export type ParsedFile<T> =
  | { readonly ok: true; readonly data: T; readonly raw: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * Parses the text of a file this program wrote earlier (a shard file, a scorecard column) against its
 * schema. A hand-edited, truncated or older file gets a message with the path and the first wrong field,
 * never a stack trace. `revive` undoes what the writer encoded beyond JSON; `raw` is the revived value
 * before the schema stripped anything.
 */
export function parseJsonFile<T>(
  path: string,
  text: string,
  schema: z.ZodType<T>,
  what: string,
  revive: (value: unknown) => unknown = (v) => v,
): ParsedFile<T> {
  let raw: unknown;
  try {
    raw = revive(JSON.parse(text));
  } catch (error) {
    return { ok: false, message: `${path}: not readable JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data, raw };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    message: `${path}: not ${what} of this version: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
  };
}
