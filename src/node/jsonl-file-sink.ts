import * as nodeFs from "node:fs";
import { dirname } from "node:path";
import type { AuditSink } from "../audit/sink.ts";

/** The few `node:fs` calls the sink makes; tests pass a fake to produce ENOSPC or short writes. */
export interface JsonlSinkFs {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array): number;
  closeSync(fd: number): void;
}

/** Options of {@link JsonlFileSink.open}. */
export interface JsonlFileSinkOptions {
  /**
   * Called once, on the first failure (open, write or close). Default: one `console.error` line telling
   * the user what to fix.
   */
  readonly onError?: (error: NodeJS.ErrnoException) => void;
  /** The file system; tests only. */
  readonly fs?: JsonlSinkFs;
}

/**
 * An audit sink writing JSON Lines to a file (SPEC §8).
 *
 * The file is opened with `O_APPEND` and every line goes out in one `write(2)`: on a local file system the
 * kernel moves to the end and writes the buffer as a unit, so any number of sinks — in this process or in
 * others — can share one log without interleaving bytes. Lines are written synchronously, so a line
 * reaches the file before the event that caused it has any effect.
 *
 * It never throws. The first failure (ENOSPC, EACCES, EROFS, a short write, anything) is reported once
 * through `onError`; from then on the sink is `failed` and drops every line, counting them in `dropped`.
 * It does not try again: after a short write the file ends in a torn line, and appending after it would
 * put the tear in the middle of the log, where the checker treats it as corruption rather than a crash.
 */
export class JsonlFileSink implements AuditSink {
  readonly #path: string;
  readonly #fs: JsonlSinkFs;
  readonly #onError: (error: NodeJS.ErrnoException) => void;
  #fd: number | undefined;
  #failed = false;
  #reported = false;
  #closed = false;
  #dropped = 0;

  private constructor(path: string, options: JsonlFileSinkOptions) {
    this.#path = path;
    this.#fs = options.fs ?? nodeFs;
    this.#onError = options.onError ?? ((error) => reportToStderr(error, path));
  }

  /**
   * Creates the directories and opens `path` for appending. A failure here does not throw either: it is
   * reported, and the sink drops lines, so a bad audit path never stops requests from being served.
   */
  static open(path: string, options: JsonlFileSinkOptions = {}): JsonlFileSink {
    const sink = new JsonlFileSink(path, options);
    try {
      sink.#fs.mkdirSync(dirname(path), { recursive: true });
      sink.#fd = sink.#fs.openSync(path, "a");
    } catch (error) {
      sink.#fail(error);
    }
    return sink;
  }

  /** The file this sink appends to. */
  get path(): string {
    return this.#path;
  }

  /** Lines not written because the sink had failed or was closed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once a write, the open or the close failed. */
  get failed(): boolean {
    return this.#failed;
  }

  append(line: string): void {
    if (this.#failed || this.#closed || this.#fd === undefined) {
      this.#dropped += 1;
      return;
    }
    const buffer = Buffer.from(line, "utf8");
    try {
      const written = this.#fs.writeSync(this.#fd, buffer);
      if (written !== buffer.length) {
        throw Object.assign(new Error(`short write: ${written} of ${buffer.length} bytes`), {
          code: "ESHORTWRITE",
        });
      }
    } catch (error) {
      this.#dropped += 1;
      this.#fail(error);
    }
  }

  /** Closes the file; later lines are dropped. Never rejects. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const fd = this.#fd;
      this.#fd = undefined;
      if (fd !== undefined) {
        try {
          this.#fs.closeSync(fd);
        } catch (error) {
          this.#fail(error);
        }
      }
    }
    return Promise.resolve();
  }

  #fail(error: unknown): void {
    this.#failed = true;
    if (this.#reported) return;
    this.#reported = true;
    this.#onError(asErrno(error));
  }
}

function asErrno(error: unknown): NodeJS.ErrnoException {
  return error instanceof Error ? error : Object.assign(new Error(String(error)), { code: "EUNKNOWN" });
}

function reportToStderr(error: NodeJS.ErrnoException, path: string): void {
  console.error(
    `Failed to write the audit log: ${error.code ?? error.message} ${path}. ` +
      "Requests keep being served; fix the path or disk, or set fallback.audit_log to false.",
  );
}
