/**
 * `run --shard i/n`: which scenarios one CI runner takes.
 *
 * A scenario's shard is a hash of its id modulo n, not its rank in the sorted suite: with the rank (sorted ids
 * dealt round robin), adding or removing one file moves every scenario after it to another shard, so a shard's
 * history and its flaky-test bookkeeping would mean nothing from one commit to the next. With the hash a
 * scenario stays where it is whatever else the suite holds; the price is a less even split on tiny suites
 * (the 93 shipped scenarios split 3 ways into 26 / 29 / 38).
 */

/** One shard of n, 1-based as the user writes it. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); a message that says what was wrong otherwise. */
export function parseShard(text: string): { ok: true; shard: Shard } | { ok: false; message: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match)
    return { ok: false, message: `--shard "${text}": expected i/n with whole numbers, e.g. --shard 2/3` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count) || count < 1)
    return { ok: false, message: `--shard "${text}": the shard count must be at least 1` };
  if (!Number.isSafeInteger(index) || index < 1 || index > count)
    return {
      ok: false,
      message: `--shard "${text}": the shard index must be between 1 and ${count} (shards are numbered from 1)`,
    };
  return { ok: true, shard: { index, count } };
}

/** FNV-1a, 32 bits, over the id's UTF-16 code units: tiny, stable across Node versions and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The 1-based shard (of `count`) a scenario id belongs to. */
export function shardOfId(id: string, count: number): number {
  return (fnv1a(id) % count) + 1;
}

/** Whether a scenario id belongs to `shard`. */
export function inShard(id: string, shard: Shard): boolean {
  return shardOfId(id, shard.count) === shard.index;
}

/** `2/3`, as the user wrote it. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
