/**
 * The `k` greatest items by `compare` (a positive result ranks `a` before `b`), in rank order, in O(k)
 * memory. Ties must be broken by the comparator itself (by line number, say) so the result never depends
 * on the order items arrived in.
 */
export class TopK<T> {
  readonly #items: T[] = [];

  constructor(
    readonly k: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  offer(item: T): void {
    if (this.k <= 0) return;
    const items = this.#items;
    const last = items.at(-1);
    if (items.length >= this.k && last !== undefined && this.compare(item, last) <= 0) return;
    let at = items.length;
    while (at > 0 && this.compare(item, items[at - 1] as T) > 0) at -= 1;
    items.splice(at, 0, item);
    if (items.length > this.k) items.pop();
  }

  /** The items, best first. */
  items(): T[] {
    return [...this.#items];
  }
}
