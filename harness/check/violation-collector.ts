import type { RuleId } from "./rules.ts";

/** One line of a log, as shown next to a violation. */
export interface ContextLine {
  readonly line: number;
  readonly text: string;
}

/** One broken invariant. */
export interface Violation {
  readonly rule: RuleId;
  /** 1-based line number of the offending line. */
  readonly line: number;
  /** One sentence: what is wrong and what was expected. */
  readonly message: string;
  readonly requestId: string | null;
  readonly model: string | null;
  /** The offending line itself (shortened). */
  readonly text: string;
  /** The lines of the same request or model that led to it, oldest first, at most eight. */
  readonly context: readonly ContextLine[];
}

/** Something worth knowing that is not a violation (a crash mid-write). */
export interface CheckWarning {
  readonly kind: "partial-last-line" | "open-requests-at-cut";
  readonly line: number;
  readonly message: string;
}

/**
 * Keeps the first `cap` violations in full and a count of every rule, so a log with a million bad lines
 * still checks in bounded memory. The first violation is the first one found in reading order: a request
 * found unterminated at the end of the log is reported at its first line but comes after everything found
 * while reading, because it is only known once the log has ended.
 */
export class ViolationCollector {
  readonly #cap: number;
  readonly #kept: Violation[] = [];
  readonly #counts = new Map<RuleId, number>();
  #total = 0;
  #first: Violation | null = null;

  constructor(cap: number) {
    this.#cap = Math.max(1, cap);
  }

  add(violation: Violation): void {
    this.#total += 1;
    this.#counts.set(violation.rule, (this.#counts.get(violation.rule) ?? 0) + 1);
    if (this.#kept.length < this.#cap) this.#kept.push(violation);
    this.#first ??= violation;
  }

  get total(): number {
    return this.#total;
  }

  get first(): Violation | null {
    return this.#first;
  }

  /** The kept violations in line order. */
  kept(): Violation[] {
    return [...this.#kept].sort((a, b) => a.line - b.line);
  }

  /** Counts per rule, largest first. */
  counts(): Partial<Record<RuleId, number>> {
    return Object.fromEntries([...this.#counts.entries()].sort((a, b) => b[1] - a[1]));
  }
}

/**
 * A fixed-size window over the most recent context lines: a circular buffer, since a model's ring takes a
 * push on every line of a million-line log and must not allocate for it.
 */
export class ContextRing {
  readonly #items: ContextLine[] = [];
  readonly #size: number;
  /** Where the next push goes once the ring is full (the oldest item). */
  #next = 0;

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  push(item: ContextLine): void {
    if (this.#items.length < this.#size) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** The items, oldest first. */
  lines(): readonly ContextLine[] {
    return this.#next === 0
      ? this.#items
      : [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }
}
