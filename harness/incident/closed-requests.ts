/**
 * A FIFO-bounded memory of closed requests by slot. A plain Map that drops its oldest key by iteration
 * slows down as deletions leave holes at its front, so the insertion order lives in a ring instead: the
 * Map names each key's ring slot, and a reused slot drops the key it held unless the key was stored again
 * since (then the Map names a later slot). Keys and values sit in two arrays and the Map holds small
 * integers, so storing allocates nothing: it runs once per request of a log of millions of lines.
 */
export class ClosedRequests<T> {
  readonly #capacity: number;
  readonly #slots = new Map<string, number>();
  readonly #keys: (string | undefined)[];
  readonly #values: (T | undefined)[];
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    this.#keys = new Array<string | undefined>(this.#capacity).fill(undefined);
    this.#values = new Array<T | undefined>(this.#capacity).fill(undefined);
  }

  get size(): number {
    return this.#slots.size;
  }

  get(key: string): T | undefined {
    const slot = this.#slots.get(key);
    return slot === undefined ? undefined : this.#values[slot];
  }

  set(key: string, value: T): void {
    const slot = this.#next;
    const evicted = this.#keys[slot];
    if (evicted !== undefined && this.#slots.get(evicted) === slot) this.#slots.delete(evicted);
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#slots.set(key, slot);
    this.#next = slot + 1 === this.#capacity ? 0 : slot + 1;
  }
}
