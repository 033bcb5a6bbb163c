/**
 * A FIFO-bounded memory of closed requests by slot. A plain Map that drops its oldest key by iteration
 * slows down as deletions leave holes at its front, so the insertion order lives in a ring of stamps
 * instead: the ring's slot is reused, and the key it names is dropped unless it was stored again since.
 */
export class ClosedRequests<T> {
  readonly #capacity: number;
  readonly #entries = new Map<string, { readonly stamp: number; readonly value: T }>();
  readonly #ring: ({ readonly key: string; readonly stamp: number } | undefined)[];
  #next = 0;
  #stamp = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    this.#ring = new Array<{ key: string; stamp: number } | undefined>(this.#capacity).fill(undefined);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): T | undefined {
    return this.#entries.get(key)?.value;
  }

  set(key: string, value: T): void {
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined && this.#entries.get(evicted.key)?.stamp === evicted.stamp)
      this.#entries.delete(evicted.key);
    this.#stamp += 1;
    this.#ring[this.#next] = { key, stamp: this.#stamp };
    this.#next = (this.#next + 1) % this.#capacity;
    this.#entries.set(key, { stamp: this.#stamp, value });
  }
}
