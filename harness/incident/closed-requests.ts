/** An empty place in the table: ring slots are stored plus one. */
const EMPTY = 0;
/** A ring slot whose key was stored again later (a later slot holds it now). */
const STALE = -1;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so nearby ids spread over the whole table. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/**
 * A FIFO-bounded memory of closed requests by slot: the last `capacity` keys stored, with their values; a
 * key stored again counts as new, so its older slot does not drop it.
 *
 * It runs once or twice per request of a log of millions of lines, over a hundred thousand keys. A `Map`
 * that large cost ~0.9 µs per request (a third of `check`'s per-request work): each lookup walks V8's
 * bucket chain and reads the key string's hash from the string itself, a cache miss each, and every
 * eviction leaves a hole that a rehash later copies away. Here the insertion order lives in a ring and the
 * lookup is an open-addressing table (linear probing, at most half full, backward-shift deletion) of two
 * typed arrays, full hash beside ring slot, so a miss costs one cache line and no string is read unless its
 * full hash matches. Storing allocates nothing.
 */
export class ClosedRequests<T> {
  readonly #capacity: number;
  readonly #mask: number;
  /** Per table place: the ring slot plus one, or {@link EMPTY}. */
  readonly #tableSlot: Int32Array;
  /** Per table place: the full hash of its key. */
  readonly #tableHash: Int32Array;
  readonly #keys: (string | undefined)[];
  readonly #values: (T | undefined)[];
  /** Per ring slot: the table place of its key, or {@link STALE}. */
  readonly #place: Int32Array;
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    let places = 2;
    while (places < this.#capacity * 2) places *= 2;
    this.#mask = places - 1;
    this.#tableSlot = new Int32Array(places);
    this.#tableHash = new Int32Array(places);
    this.#keys = new Array<string | undefined>(this.#capacity).fill(undefined);
    this.#values = new Array<T | undefined>(this.#capacity).fill(undefined);
    this.#place = new Int32Array(this.#capacity).fill(STALE);
  }

  /** Keys remembered. */
  get size(): number {
    return this.#size;
  }

  /** The table place of `key` (hash `hash`), or -1. */
  #find(key: string, hash: number): number {
    const slots = this.#tableSlot;
    const hashes = this.#tableHash;
    for (let at = hash & this.#mask; ; at = (at + 1) & this.#mask) {
      const slot = slots[at] as number;
      if (slot === EMPTY) return -1;
      if (hashes[at] === hash && this.#keys[slot - 1] === key) return at;
    }
  }

  get(key: string): T | undefined {
    const at = this.#find(key, hashOf(key));
    return at < 0 ? undefined : this.#values[(this.#tableSlot[at] as number) - 1];
  }

  set(key: string, value: T): void {
    const slot = this.#next;
    this.#next = slot + 1 === this.#capacity ? 0 : slot + 1;
    const evicted = this.#place[slot] as number;
    if (evicted !== STALE) this.#remove(evicted);
    const hash = hashOf(key);
    let at = this.#find(key, hash);
    if (at >= 0) {
      this.#place[(this.#tableSlot[at] as number) - 1] = STALE;
    } else {
      at = hash & this.#mask;
      while (this.#tableSlot[at] !== EMPTY) at = (at + 1) & this.#mask;
      this.#tableHash[at] = hash;
      this.#size += 1;
    }
    this.#tableSlot[at] = slot + 1;
    this.#place[slot] = at;
    this.#keys[slot] = key;
    this.#values[slot] = value;
  }

  /** Empties table place `hole`, moving later keys of its probe run back so every key stays reachable. */
  #remove(hole: number): void {
    const slots = this.#tableSlot;
    const hashes = this.#tableHash;
    const mask = this.#mask;
    this.#keys[(slots[hole] as number) - 1] = undefined;
    this.#values[(slots[hole] as number) - 1] = undefined;
    this.#place[(slots[hole] as number) - 1] = STALE;
    this.#size -= 1;
    for (let at = (hole + 1) & mask; slots[at] !== EMPTY; at = (at + 1) & mask) {
      const home = (hashes[at] as number) & mask;
      // The key at `at` may move to the hole unless its home lies cyclically in (hole, at].
      const homeInRun = hole <= at ? home > hole && home <= at : home > hole || home <= at;
      if (homeInRun) continue;
      slots[hole] = slots[at] as number;
      hashes[hole] = hashes[at] as number;
      this.#place[(slots[hole] as number) - 1] = hole;
      hole = at;
    }
    slots[hole] = EMPTY;
  }
}
