import { readFile } from "node:fs/promises";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import type { z } from "zod";

/** One thing wrong with a scenario file, located precisely. */
export interface ScenarioProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** JSON path as a user writes it: `faults[2].when.times`. */
  readonly path: string;
  readonly message: string;
  /** What would have been accepted, when the problem knows (`one of openai/gpt-4.1, …`). */
  readonly expected?: string;
}

/** Where a JSON path of the scenario sits in its file: the deepest node on the path that exists. */
export type ScenarioLocator = (path: readonly PropertyKey[]) => { line: number; column: number };

/** A loaded scenario, or every problem found in the file. */
export type LoadResult<T> =
  | { readonly ok: true; readonly value: T; readonly locate: ScenarioLocator }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

/** `["faults", 2, "when", "times"]` → `faults[2].when.times`. */
export function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** Where a path points in the document: the deepest node that exists on it. */
function locate(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

/**
 * Parses scenario text (YAML, of which JSON is a subset) and validates it with `schema`, reporting every
 * problem with its line, column and path.
 */
export function parseScenarioText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): LoadResult<z.output<S>> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = counter.linePos(error.pos[0]);
        return {
          file,
          line,
          column: col,
          path: "",
          message: `not valid YAML/JSON: ${error.message.split("\n")[0] ?? error.code}`,
        };
      }),
    };
  }
  const raw: unknown = doc.toJS();
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data, locate: (path) => locate(doc, counter, path) };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const at = locate(doc, counter, issue.path);
      return { file, ...at, path: pathText(issue.path), message: describeIssue(issue) };
    }),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && issue.message === "Invalid input")
    return "does not match any accepted form";
  return issue.message;
}

/** Reads and validates a scenario file; an unreadable file is a problem, never an exception. */
export async function loadScenarioFile<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<LoadResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, path: "", message: `cannot read the file (${code})` }],
    };
  }
  return parseScenarioText(text, file, schema);
}

/** `file:line:column path: message (expected …)`, one line per problem. */
export function formatScenarioProblems(problems: readonly ScenarioProblem[]): string {
  return problems
    .map(
      (p) =>
        `${p.file}:${p.line}:${p.column}${p.path ? ` ${p.path}` : ""}: ${p.message}${p.expected === undefined ? "" : ` (expected ${p.expected})`}`,
    )
    .join("\n");
}
