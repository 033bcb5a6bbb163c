/** The longest line read by default: SPEC §8 lines are a few hundred bytes, so 1 MiB is generous. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than the bound: skipped unread, only its length counted, so it costs no memory. */
export interface OverlongLine {
  readonly kind: "overlong";
  /** Its length in bytes, without the newline. */
  readonly bytes: number;
  /** The bound it went over. */
  readonly limit: number;
}

/** One line of a log: its text, or the note that it was too long to read. */
export type LogLine = string | OverlongLine;

/** True for a line skipped for its length. */
export function isOverlong(line: LogLine): line is OverlongLine {
  return typeof line !== "string";
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into UTF-8 lines on `\n` (a `\r` before it is dropped), in memory bounded by the
 * longest allowed line: the bytes of a line that goes over `maxLineBytes` are dropped as they arrive and the
 * line comes out as an {@link OverlongLine}. `readline` instead buffers a line whole, so one 600 MB line
 * took the process down. Lines are decoded one by one (no sliced strings that pin a whole chunk).
 */
export class LineSplitter {
  readonly #max: number;
  /** Pieces of the line that began in an earlier chunk; at most `#max` bytes in all. */
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** Inside an over-long line: its bytes so far, or -1. */
  #skipped = -1;
  #lastByte = -1;

  constructor(maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1)
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.#max = maxLineBytes;
  }

  /** Whether the last byte seen was a newline. */
  get endedWithNewline(): boolean {
    return this.#lastByte === NEWLINE;
  }

  /** Appends to `out` every line `chunk` completes. */
  push(chunk: Buffer, out: LogLine[]): void {
    if (chunk.length === 0) return;
    this.#lastByte = chunk[chunk.length - 1] ?? -1;
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.#hold(chunk, start);
        return;
      }
      out.push(this.#line(chunk, start, newline));
      start = newline + 1;
    }
  }

  /** Appends the last line when the stream did not end with a newline. */
  end(out: LogLine[]): void {
    if (this.#skipped >= 0 || this.#partBytes > 0) out.push(this.#line(Buffer.alloc(0), 0, 0));
  }

  #hold(chunk: Buffer, start: number): void {
    const bytes = chunk.length - start;
    if (bytes === 0) return;
    if (this.#skipped >= 0) {
      this.#skipped += bytes;
    } else if (this.#partBytes + bytes > this.#max) {
      this.#skipped = this.#partBytes + bytes;
      this.#parts = [];
      this.#partBytes = 0;
    } else {
      // A copy: the reader may reuse the chunk's memory for the next one.
      this.#parts.push(Buffer.from(chunk.subarray(start)));
      this.#partBytes += bytes;
    }
  }

  /** The line made of the held pieces and `chunk[start, end)`. */
  #line(chunk: Buffer, start: number, end: number): LogLine {
    const bytes = end - start;
    if (this.#skipped >= 0) {
      const total = this.#skipped + bytes;
      this.#skipped = -1;
      return { kind: "overlong", bytes: total, limit: this.#max };
    }
    if (this.#partBytes === 0) {
      if (bytes > this.#max) return { kind: "overlong", bytes, limit: this.#max };
      return chunk.toString("utf8", start, end > start && chunk[end - 1] === CARRIAGE_RETURN ? end - 1 : end);
    }
    const total = this.#partBytes + bytes;
    const parts = this.#parts;
    this.#parts = [];
    this.#partBytes = 0;
    if (total > this.#max) return { kind: "overlong", bytes: total, limit: this.#max };
    parts.push(chunk.subarray(start, end));
    const whole = Buffer.concat(parts, total);
    return whole.toString("utf8", 0, whole[total - 1] === CARRIAGE_RETURN ? total - 1 : total);
  }
}
