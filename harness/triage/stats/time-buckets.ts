/** The narrowest bucket: finer than a second says nothing a reader of an incident needs. */
const BASE_MS = 1_000;

/**
 * Named series over time in at most `cap` buckets. Buckets start one second wide; whenever the times seen
 * need more than `cap` buckets the width doubles and neighbours merge, so memory stays constant however
 * long the log runs, and a time may arrive in any order. Bucket `i` covers `[i·width, (i+1)·width)` of epoch
 * time, so merging is exact: nothing is re-spread.
 */
export class TimeBuckets {
  #width = BASE_MS;
  #low: number | null = null;
  #high: number | null = null;
  /** bucket index → series → amount */
  #data = new Map<number, Map<string, number>>();

  constructor(readonly cap: number) {
    if (!(cap >= 2))
      throw new RangeError(`Failed to create time buckets: cap ${cap} is below 2. Pass at least 2.`);
  }

  get width(): number {
    return this.#width;
  }

  /** Adds `amount` to `series` in the bucket holding `ms`. */
  addPoint(series: string, ms: number, amount: number): void {
    this.#cover(ms, ms);
    this.#add(Math.floor(ms / this.#width), series, amount);
  }

  /** Adds to `series` the milliseconds of `[fromMs, toMs)` that fall in each bucket. */
  addSpan(series: string, fromMs: number, toMs: number): void {
    if (!(toMs > fromMs)) return;
    this.#cover(fromMs, toMs - 1);
    const w = this.#width;
    for (let i = Math.floor(fromMs / w); i * w < toMs; i += 1) {
      const overlap = Math.min(toMs, (i + 1) * w) - Math.max(fromMs, i * w);
      if (overlap > 0) this.#add(i, series, overlap);
    }
  }

  #add(index: number, series: string, amount: number): void {
    let bucket = this.#data.get(index);
    if (bucket === undefined) {
      bucket = new Map();
      this.#data.set(index, bucket);
    }
    bucket.set(series, (bucket.get(series) ?? 0) + amount);
  }

  /** Widens until `fromMs..toMs` fits with what is already held. */
  #cover(fromMs: number, toMs: number): void {
    const low = Math.min(this.#low ?? fromMs, fromMs);
    const high = Math.max(this.#high ?? toMs, toMs);
    this.#low = low;
    this.#high = high;
    while (Math.floor(high / this.#width) - Math.floor(low / this.#width) + 1 > this.cap) this.#double();
  }

  #double(): void {
    this.#width *= 2;
    const merged = new Map<number, Map<string, number>>();
    for (const [index, bucket] of this.#data) {
      const into = Math.floor(index / 2);
      const target = merged.get(into) ?? new Map<string, number>();
      for (const [series, amount] of bucket) target.set(series, (target.get(series) ?? 0) + amount);
      merged.set(into, target);
    }
    this.#data = merged;
  }

  /** Makes sure `ms` is on the axis (the log's first and last lines), without adding to any series. */
  include(ms: number): void {
    this.#cover(ms, ms);
  }

  /** The buckets from the first time seen to the last: their start, width and each series' amounts. */
  snapshot(series: readonly string[]): { startMs: number; bucketMs: number; values: Map<string, number[]> } {
    const values = new Map<string, number[]>(series.map((s) => [s, []]));
    if (this.#low === null || this.#high === null) return { startMs: 0, bucketMs: this.#width, values };
    const first = Math.floor(this.#low / this.#width);
    const last = Math.floor(this.#high / this.#width);
    for (let i = first; i <= last; i += 1) {
      const bucket = this.#data.get(i);
      for (const s of series) values.get(s)?.push(bucket?.get(s) ?? 0);
    }
    return { startMs: first * this.#width, bucketMs: this.#width, values };
  }
}
