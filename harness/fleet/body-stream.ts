import type { Clock } from "../../src/index.ts";

/**
 * One step of a response body: bytes, a pause on the fleet clock, a hang until the client leaves, the
 * connection dying, or a clean end. A plan is a list of steps ending in `cut`, `hang` or `end`.
 */
export type BodyStep =
  | { readonly type: "chunk"; readonly data: string | Uint8Array }
  | { readonly type: "sleep"; readonly ms: number }
  | { readonly type: "hang" }
  | { readonly type: "cut" }
  | { readonly type: "end" };

/** How a body settled, as the request log records it. */
export type BodySettlement = "end" | "cut" | "aborted";

/** Callbacks that keep the request log in step with the body. */
export interface BodyObserver {
  onBytes(count: number): void;
  onSettle(how: BodySettlement): void;
}

/** The error a cut body fails with in process: what a reset socket looks like to a fetch body reader. */
export function connectionResetError(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

const encoder = new TextEncoder();

/**
 * A body that plays `steps` on `clock`, one step per read. `highWaterMark: 0` makes it pull only when the
 * client reads, so pauses happen between the client's reads (as on a socket), the byte count is what was
 * actually handed over, and nothing is produced ahead for a client that has gone.
 *
 * A pause or hang ends early when `signal` aborts (the client went away) or the body is cancelled.
 */
export function bodyStream(
  steps: readonly BodyStep[],
  clock: Clock,
  signal: AbortSignal,
  observer: BodyObserver,
): ReadableStream<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>(new BodyPlayer(steps, clock, signal, observer), {
    highWaterMark: 0,
  });
  if (isOneRead(steps)) oneReadBodies.add(stream);
  return stream;
}

/** Bodies that are at most one chunk and then their clean end; held weakly, invisible to the client. */
const oneReadBodies = new WeakSet<ReadableStream<Uint8Array>>();

function isOneRead(steps: readonly BodyStep[]): boolean {
  const [first, second] = steps;
  if (first?.type === "end") return steps.length === 1;
  return first?.type === "chunk" && second?.type === "end" && steps.length === 2;
}

/**
 * True when `body` is a fleet body that hands over everything in one read and then ends, with no pause,
 * hang or cut: nothing a client does after that read changes how many bytes it was handed.
 */
export function isOneReadBody(body: ReadableStream<Uint8Array> | null): boolean {
  return body !== null && oneReadBodies.has(body);
}

/** A `cancel` that came before any pause or hang needed a signal of its own. */
const NOT_CANCELLED: unique symbol = Symbol("not cancelled");

/**
 * The underlying source of {@link bodyStream}: a class (its `pull` and `cancel` are methods) rather than an
 * object of closures, and the signal its pauses wait on is made only when a pause or hang is reached. Most
 * bodies have none (a JSON answer is one chunk and its end), and every answer is held while the client reads
 * it: 10,000 concurrent requests under 200 MB of heap (issue 15 item 5) cannot spend an AbortController,
 * an abort listener and two closures (~1.5 KiB under tsx) on each.
 */
class BodyPlayer implements UnderlyingDefaultSource<Uint8Array> {
  readonly #steps: readonly BodyStep[];
  readonly #clock: Clock;
  readonly #signal: AbortSignal;
  readonly #observer: BodyObserver;
  #index = 0;
  #settled = false;
  /** Aborted when the client goes away or cancels the body; made by the first pause or hang. */
  #local: AbortController | undefined;
  /** Forwards the client's abort to `#local` while it is registered on `#signal`. */
  #onAbort: (() => void) | undefined;
  #cancelReason: unknown = NOT_CANCELLED;

  constructor(steps: readonly BodyStep[], clock: Clock, signal: AbortSignal, observer: BodyObserver) {
    this.#steps = steps;
    this.#clock = clock;
    this.#signal = signal;
    this.#observer = observer;
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      const step = this.#steps[this.#index++] ?? ({ type: "end" } as const);
      switch (step.type) {
        case "chunk": {
          const bytes = typeof step.data === "string" ? encoder.encode(step.data) : step.data;
          if (bytes.byteLength === 0) continue;
          controller.enqueue(bytes);
          this.#observer.onBytes(bytes.byteLength);
          return;
        }
        case "sleep":
          if (step.ms <= 0) continue;
          try {
            await this.#clock.sleep(step.ms, this.#pauseSignal());
          } catch (error) {
            this.#settle("aborted");
            controller.error(error);
            return;
          }
          continue;
        case "hang": {
          const local = this.#pauseSignal();
          await untilAborted(local);
          this.#settle("aborted");
          controller.error(local.reason);
          return;
        }
        case "cut":
          this.#settle("cut");
          controller.error(connectionResetError());
          return;
        case "end":
          this.#settle("end");
          controller.close();
          return;
        default: {
          const unreachable: never = step;
          throw new TypeError(
            `Failed to play a body step: unknown step ${JSON.stringify(unreachable)}. Use a BodyStep.`,
          );
        }
      }
    }
  }

  cancel(reason: unknown): void {
    this.#settle("aborted");
    if (this.#local === undefined) this.#cancelReason = reason;
    else this.#local.abort(reason);
  }

  /** The signal a pause waits on: aborted already if the body was cancelled or the client has gone. */
  #pauseSignal(): AbortSignal {
    if (this.#local !== undefined) return this.#local.signal;
    const local = new AbortController();
    this.#local = local;
    const signal = this.#signal;
    if (this.#cancelReason !== NOT_CANCELLED) local.abort(this.#cancelReason);
    else if (signal.aborted) local.abort(signal.reason);
    else if (!this.#settled) {
      this.#onAbort = forwardAbort(local, signal);
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    return local.signal;
  }

  #settle(how: BodySettlement): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#onAbort !== undefined) this.#signal.removeEventListener("abort", this.#onAbort);
    this.#observer.onSettle(how);
  }
}

/** An abort listener; returned, not declared, so that tsx's keepNames gives it no name of its own. */
function forwardAbort(local: AbortController, signal: AbortSignal): () => void {
  return () => local.abort(signal.reason);
}

/** Resolves when `signal` aborts (at once if it already has); never rejects. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
