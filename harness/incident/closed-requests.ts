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
 * full hash matches. Storing allocates nothing once the ring has grown to its capacity.
 */
export class ClosedRequests<T> {
  readonly #capacity: number;
  #mask: number;
  /** Per table place: the ring slot plus one, or {@link EMPTY}. */
  #tableSlot: Int32Array;
  /** Per table place: the full hash of its key. */
  #tableHash: Int32Array;
  #keys: (string | undefined)[];
  #values: (T | undefined)[];
  /** Per ring slot: the table place of its key, or {@link STALE}. */
  #place: Int32Array;
  #next = 0;
  #size = 0;

  /**
   * The ring starts at `initialSlots` slots (at most `capacity`) and doubles, table with it, each time the
   * slots run out before the first wrap. Allocated whole up front, the audit checker's memory of 100,000
   * finished requests cost ~1.5 ms of CPU (3.5 MB filled) for every scenario judged, mostly scenarios of a
   * few requests; growing costs a rehash of each key once per doubling.
   */
  constructor(capacity: number, initialSlots = 256) {
    this.#capacity = Math.max(1, capacity);
    const slots = Math.min(this.#capacity, Math.max(1, initialSlots));
    const places = placesFor(slots);
    this.#mask = places - 1;
    this.#tableSlot = new Int32Array(places);
    this.#tableHash = new Int32Array(places);
    this.#keys = new Array<string | undefined>(slots).fill(undefined);
    this.#values = new Array<T | undefined>(slots).fill(undefined);
    this.#place = new Int32Array(slots).fill(STALE);
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
    // Only before the first wrap can the next slot lie past the ring's end.
    if (slot === this.#place.length) this.#grow();
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

  /** Doubles the ring (up to the capacity) and the table, and puts every key in its place in the new table. */
  #grow(): void {
    const slots = Math.min(this.#capacity, this.#place.length * 2);
    const places = placesFor(slots);
    const mask = places - 1;
    const tableSlot = new Int32Array(places);
    const tableHash = new Int32Array(places);
    const place = new Int32Array(slots).fill(STALE);
    const oldSlots = this.#tableSlot;
    const oldHashes = this.#tableHash;
    for (let from = 0; from < oldSlots.length; from++) {
      const slot = oldSlots[from] as number;
      if (slot === EMPTY) continue;
      const hash = oldHashes[from] as number;
      let at = hash & mask;
      while (tableSlot[at] !== EMPTY) at = (at + 1) & mask;
      tableSlot[at] = slot;
      tableHash[at] = hash;
      place[slot - 1] = at;
    }
    this.#mask = mask;
    this.#tableSlot = tableSlot;
    this.#tableHash = tableHash;
    this.#place = place;
    // Pushed, not a longer `length`: holes would make the arrays holey, slower on every lookup.
    for (let slot = this.#keys.length; slot < slots; slot++) {
      this.#keys.push(undefined);
      this.#values.push(undefined);
    }
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

/** Table places for `slots` ring slots: a power of two, at least twice as many, so the table is at most half full. */
function placesFor(slots: number): number {
  let places = 2;
  while (places < slots * 2) places *= 2;
  return places;
}
