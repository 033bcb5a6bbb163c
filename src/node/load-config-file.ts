import { readFile } from "node:fs/promises";
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from "jsonc-parser";
import {
  checkConfig,
  type ConfigProblem,
  type ParseConfigResult,
  type TargetedProblem,
} from "../config/parse-config.ts";

/** What each jsonc-parser error expected, phrased as the "expected …" half of a problem. */
const SYNTAX_EXPECTED: Record<ReturnType<typeof printParseErrorCode>, string> = {
  InvalidSymbol: "a JSON value (a string, number, object, array, true, false or null)",
  InvalidNumberFormat: "a valid number",
  PropertyNameExpected: "a property name in double quotes",
  ValueExpected: "a value",
  ColonExpected: 'a ":" after the property name',
  CommaExpected: 'a "," between entries',
  CloseBraceExpected: 'a "}" to close the object',
  CloseBracketExpected: 'a "]" to close the array',
  EndOfFileExpected: "the end of the file after the top-level value",
  InvalidCommentToken: "a // or /* */ comment",
  UnexpectedEndOfComment: 'a "*/" to close the comment',
  UnexpectedEndOfString: "a closing double quote",
  UnexpectedEndOfNumber: "digits after the sign, decimal point or exponent",
  InvalidUnicode: "a \\uXXXX escape with four hex digits",
  InvalidEscapeCharacter: "a valid escape sequence",
  InvalidCharacter: "no raw control characters inside a string",
  "<unknown ParseErrorCode>": "valid JSON",
};

const MAX_TOKEN = 40;

/** Turns character offsets into 1-based line and column numbers, counting `\r\n`, `\n` and `\r` as breaks. */
function positionFinder(text: string): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "\r" && text[index + 1] === "\n") index += 1;
    if (char === "\n" || char === "\r") lineStarts.push(index + 1);
  }
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
}

function syntaxProblem(
  text: string,
  error: ParseError,
  at: (offset: number) => { line: number; column: number },
): ConfigProblem {
  const expected = SYNTAX_EXPECTED[printParseErrorCode(error.error)];
  const token = text.slice(error.offset, error.offset + Math.max(error.length, 1));
  const cut = token.length > MAX_TOKEN ? `${token.slice(0, MAX_TOKEN - 1)}…` : token;
  // A string token already shows its quotes; anything else (`tru`, `}`) gets them so it stands out.
  const received = token === "" ? "the end of the file" : token.startsWith('"') ? cut : JSON.stringify(cut);
  return {
    path: [],
    pointer: "",
    message: `syntax error: expected ${expected}, received ${received}`,
    expected,
    received,
    ...at(error.offset),
  };
}

/** The node a problem is about: the deepest existing node on its path, and for an unknown key the key itself. */
function nodeFor(root: Node, { problem, target }: TargetedProblem): Node {
  for (let length = problem.path.length; length > 0; length -= 1) {
    const node = findNodeAtLocation(root, [...problem.path.slice(0, length)]);
    if (node === undefined) continue;
    const key = node.parent?.type === "property" ? node.parent.children?.[0] : undefined;
    return target === "key" && length === problem.path.length && key !== undefined ? key : node;
  }
  return root;
}

/** True for text holding nothing but whitespace and comments. */
function isBlank(text: string): boolean {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n\r]*/g, "").trim() === "";
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * Parses the text of an `opencode.json` / `opencode.jsonc` (comments and trailing commas allowed in both)
 * and validates it like `parseConfig`, giving every problem the line and column of the node it is about.
 * Syntax errors are problems too, and stop validation. Never throws.
 */
export function parseConfigText(text: string): ParseConfigResult {
  // A byte-order mark is not content; editors do not count it as a column either.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const at = positionFinder(source);
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined && isBlank(source)) {
    const problem: ConfigProblem = {
      path: [],
      pointer: "",
      message: "the file is empty; write a JSON object such as {}",
      expected: "a JSON object",
      received: "an empty file",
      line: 1,
      column: 1,
    };
    return { ok: false, problems: [problem] };
  }
  if (errors.length > 0 || root === undefined) {
    // After one error the parser's recovery often reports a second on the same line ("tru}" gives an
    // invalid symbol and a missing value); only the first per line is worth reading.
    const problems = errors.map((error) => syntaxProblem(source, error, at));
    const firstPerLine = problems.filter(
      (problem, index) => index === 0 || problems[index - 1]?.line !== problem.line,
    );
    return { ok: false, problems: firstPerLine };
  }
  const checked = checkConfig(getNodeValue(root));
  if (checked.ok) return checked;
  const problems = checked.problems.map((targeted) => ({
    ...targeted.problem,
    ...at(nodeFor(root, targeted).offset),
  }));
  return { ok: false, problems: problems.sort(byPosition) };
}

/** Why a file could not be read, in words, from a Node system error code. */
function readFailure(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Reads and validates an `opencode.json` / `opencode.jsonc` file. A missing or unreadable file is a problem
 * like any other (pointer `""`, no position); this never throws, so a CLI can always print and exit 2.
 */
export async function loadConfigFile(path: string): Promise<ParseConfigResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const received = readFailure(error);
    const problem: ConfigProblem = {
      path: [],
      pointer: "",
      message: `cannot read the file (${received}); check the path or create an opencode.json`,
      expected: "a readable opencode.json or opencode.jsonc file",
      received,
    };
    return { ok: false, problems: [problem] };
  }
  return parseConfigText(text);
}
