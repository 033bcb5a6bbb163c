// Which requests of a scenario are in flight, kept in memory the supervisor and its isolate share. A message
// per request start and end was a tenth of the isolate's CPU on the day-long scenario (3,000 requests), and
// woke the supervisor's thread each time; the board costs two atomic writes per request and is read only when
// the supervisor has to say where an isolate died. It stays readable after the worker is gone, and an engine
// that blocks its event loop right after a request starts is still seen in that request (a message would
// wait for the loop).

/** Requests a scenario plans, for the board's size: one bit each. */
export function plannedRequests(traffic: readonly { readonly count: number }[]): number {
  let total = 0;
  for (const line of traffic) total += line.count;
  return total;
}

/** The memory of a board for `requests` requests, to hand to the isolate with its task. */
export function newBoardMemory(requests: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, Math.ceil(requests / 32)) * 4);
}

/** The isolate's side: marks a request in flight when sent and clears it when it ends. */
export class RequestBoardWriter {
  readonly #bits: Int32Array;

  constructor(memory: SharedArrayBuffer) {
    this.#bits = new Int32Array(memory);
  }

  mark(index: number, inFlight: boolean): void {
    const word = index >>> 5;
    // An index past the board (a plan the supervisor sized differently) is simply not shown.
    if (word >= this.#bits.length) return;
    const bit = 1 << (index & 31);
    if (inFlight) Atomics.or(this.#bits, word, bit);
    else Atomics.and(this.#bits, word, ~bit);
  }
}

/** The supervisor's side: the requests in flight, in index order. */
export function requestsInFlight(memory: SharedArrayBuffer): number[] {
  const bits = new Int32Array(memory);
  const found: number[] = [];
  for (let word = 0; word < bits.length; word++) {
    const value = Atomics.load(bits, word);
    if (value === 0) continue;
    for (let bit = 0; bit < 32; bit++) if ((value & (1 << bit)) !== 0) found.push(word * 32 + bit);
  }
  return found;
}
