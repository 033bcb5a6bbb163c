import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LogLine } from "./line-splitter.ts";

export { DEFAULT_MAX_LINE_BYTES, isOverlong, type LogLine, type OverlongLine } from "./line-splitter.ts";

/** A log file that cannot be read: a missing file, a directory, a broken gzip stream. */
export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for an {@link AuditInputError}. */
export function isAuditInputError(value: unknown): value is AuditInputError {
  return value instanceof AuditInputError;
}

/** The lines of a log file in batches (one per chunk read), and whether its last byte was a newline (known once the lines are consumed). */
export interface AuditLines {
  readonly batches: AsyncIterable<readonly LogLine[]>;
  endedWithNewline(): boolean;
}

/** Options of {@link readAuditLines}. */
export interface ReadLinesOptions {
  /** Lines longer than this many bytes are skipped and reported; default {@link DEFAULT_MAX_LINE_BYTES}. */
  readonly maxLineBytes?: number;
}

/** Bytes read at a time: big chunks mean fewer trips through the stream machinery per line. */
const CHUNK_BYTES = 256 * 1024;

function why(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "Z_DATA_ERROR":
    case "Z_BUF_ERROR":
      return "it is not a valid gzip stream";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The message of an unreadable log, in the house form. */
export function unreadable(path: string, error: unknown): AuditInputError {
  return new AuditInputError(
    `Failed to read the audit log ${path}: ${why(error)}. Check the path (a .gz file must be gzip).`,
    { cause: error },
  );
}

/**
 * The bytes of a plain file, read into one buffer over and over: a fresh buffer per chunk cost a page fault
 * per 4 KiB and kept RSS growing with the file. Each chunk is valid until the next is asked for, which suits
 * {@link LineSplitter} (it decodes lines at once and copies what it holds across chunks).
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The gunzipped bytes of a `.gz` file, as a stream gives them. */
async function* gunzippedChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  // pipe() does not forward errors: a file that fails mid-read must end the gunzip's iteration too.
  file.on("error", (error) => gunzip.destroy(error));
  const source: Readable = file.pipe(gunzip);
  try {
    yield* source as AsyncIterable<Buffer>;
  } finally {
    source.destroy();
    file.destroy();
  }
}

/**
 * Streams a JSONL file (gunzipped when the name ends in `.gz`) in batches of lines, split by
 * {@link LineSplitter}: memory stays bounded by the longest allowed line, whatever the file holds. Throws
 * {@link AuditInputError} for a file that cannot be opened; a read error mid-stream ends the iteration with
 * the same error.
 */
export async function readAuditLines(path: string, options: ReadLinesOptions = {}): Promise<AuditLines> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (error) {
    throw unreadable(path, error);
  }
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const chunks = path.endsWith(".gz") ? gunzippedChunks(path) : fileChunks(path);
  async function* batches(): AsyncGenerator<readonly LogLine[]> {
    try {
      for await (const chunk of chunks) {
        const out: LogLine[] = [];
        splitter.push(chunk, out);
        if (out.length > 0) yield out;
      }
    } catch (error) {
      throw unreadable(path, error);
    } finally {
      await chunks.return(undefined);
    }
    const out: LogLine[] = [];
    splitter.end(out);
    if (out.length > 0) yield out;
  }
  return { batches: batches(), endedWithNewline: () => splitter.endedWithNewline };
}

/**
 * Hands each line to `feed`, holding one back so the last one is known as such: it comes with
 * `unterminated` true when the log did not end with a newline (a line cut mid-write, SPEC §8).
 */
export async function feedLines(
  batches: AsyncIterable<readonly LogLine[]> | Iterable<readonly LogLine[]>,
  feed: (line: LogLine, unterminated: boolean) => void,
  endedWithNewline: () => boolean,
): Promise<void> {
  let held: LogLine | undefined;
  for await (const batch of batches) {
    for (const line of batch) {
      if (held !== undefined) feed(held, false);
      held = line;
    }
  }
  if (held !== undefined) feed(held, !endedWithNewline());
}

/** Lines given one at a time, as batches of one, for {@link feedLines}. */
export async function* batchesOf(
  lines: AsyncIterable<LogLine> | Iterable<LogLine>,
): AsyncGenerator<readonly LogLine[]> {
  for await (const line of lines) yield [line];
}
