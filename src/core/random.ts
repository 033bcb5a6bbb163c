/**
 * Randomness reaches the engine only through this port. Each purpose (jitter, a provider's latency, …)
 * gets its own stream derived from one seed, so adding a consumer never shifts another's draws.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

/** 32-bit FNV-1a, used to turn a purpose name into a stream offset. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** sfc32 seeded through splitmix32: small, fast, and good enough for jitter and fault schedules. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return {
    next(): number {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = ((c << 21) | (c >>> 11)) >>> 0;
      c = (c + t) >>> 0;
      return t / 4294967296;
    },
  };
}

/** The stream for one purpose under a run seed: `deriveRandom(seed, "jitter")`. */
export function deriveRandom(seed: number, purpose: string): Random {
  return createRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a(purpose)) >>> 0);
}
