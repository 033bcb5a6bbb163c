import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";

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

/** The lines of a log file, and whether its last byte was a newline (known once the lines are consumed). */
export interface AuditLines {
  readonly lines: AsyncIterable<string>;
  endedWithNewline(): boolean;
}

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
 * Streams a JSONL file line by line with `readline` over `createReadStream` (gunzipped when the name ends
 * in `.gz`), in constant memory. Throws {@link AuditInputError} for a file that cannot be opened; a read
 * error mid-stream ends the iteration with the same error.
 */
export async function readAuditLines(path: string): Promise<AuditLines> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (error) {
    throw unreadable(path, error);
  }
  const file = createReadStream(path);
  const source: Readable = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  const tap = new PassThrough();
  let lastByte: number | undefined;
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    // readline would otherwise wait forever for an end that never comes.
    tap.end();
  };
  file.on("error", fail);
  source.on("error", fail);
  source.on("data", (chunk: Buffer) => {
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
  });
  source.pipe(tap);
  const reader = createInterface({ input: tap, crlfDelay: Number.POSITIVE_INFINITY });
  async function* lines(): AsyncGenerator<string> {
    try {
      for await (const line of reader) {
        if (failure !== undefined) break;
        yield line;
      }
    } finally {
      reader.close();
      file.destroy();
    }
    if (failure !== undefined) throw unreadable(path, failure);
  }
  return { lines: lines(), endedWithNewline: () => lastByte === 0x0a };
}
