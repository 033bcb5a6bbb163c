import type { IncidentProblem } from "./incident-line.ts";

/**
 * Problems in line order: the first `cap` kept in full, every one counted by kind, so a log with a million
 * broken lines costs a bounded list and a handful of counters.
 */
export class ProblemLog {
  readonly #cap: number;
  readonly #stored: IncidentProblem[] = [];
  readonly #counts = new Map<string, number>();

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(problem: IncidentProblem): void {
    this.#counts.set(problem.kind, (this.#counts.get(problem.kind) ?? 0) + 1);
    if (this.#stored.length < this.#cap) this.#stored.push(problem);
  }

  get stored(): readonly IncidentProblem[] {
    return this.#stored;
  }

  /** Problems per kind, in the order each kind first appeared. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
