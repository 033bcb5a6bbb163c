/** One thing wrong with a config as the judge reads it, located by its JSON path. */
export interface OracleConfigProblem {
  readonly path: readonly (string | number)[];
  /** The path as a user writes it: `fallback.circuit_breaker.window_ms`, `agent.build.models[1]`, `""` for the root. */
  readonly pointer: string;
  /** One sentence a user can act on. */
  readonly message: string;
  /** The closest known key, for an unknown one. */
  readonly suggestion?: string;
  readonly line?: number;
  readonly column?: number;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `["agent", "build", "models", 1]` → `agent.build.models[1]`; keys such as model ids are bracket-quoted. */
export function pointerTo(path: readonly (string | number)[]): string {
  let pointer = "";
  for (const segment of path) {
    if (typeof segment === "number") pointer += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) pointer += pointer === "" ? segment : `.${segment}`;
    else pointer += `[${JSON.stringify(segment)}]`;
  }
  return pointer;
}

/** `file:line:column pointer: message`, one line per problem, with whichever parts are known. */
export function renderConfigProblems(problems: readonly OracleConfigProblem[], file?: string): string {
  return problems
    .map((problem) => {
      const where = [file, problem.line, problem.line === undefined ? undefined : problem.column]
        .filter((part) => part !== undefined && part !== "")
        .join(":");
      const what = problem.pointer === "" ? problem.message : `${problem.pointer}: ${problem.message}`;
      return where === "" ? what : `${where} ${what}`;
    })
    .join("\n");
}

/** Keys are compared without case, `_` or `-`, so `maxRetries` lands on `max_retries` at distance 0. */
function normalised(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, "");
}

/** Levenshtein distance with adjacent transpositions (`lenght` → `length` is one edit). */
function distance(a: string, b: string): number {
  const table: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => table[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    const row = table[i] ?? [];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known key closest to a typo, when it is close enough to be one: within 40 % of the longer word (at
 * least one edit), so `max_retry` → `max_retries` qualifies and `foo` → `factor` does not.
 */
export function closestKey(word: string, known: readonly string[]): string | undefined {
  const target = normalised(word);
  let best: { key: string; edits: number } | undefined;
  for (const key of known) {
    const other = normalised(key);
    const edits = distance(target, other);
    const limit = Math.max(1, Math.floor(Math.max(target.length, other.length) * 0.4));
    if (edits <= limit && (best === undefined || edits < best.edits)) best = { key, edits };
  }
  return best?.key;
}
