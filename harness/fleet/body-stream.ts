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
  const local = new AbortController();
  const onAbort = (): void => local.abort(signal.reason);
  if (signal.aborted) local.abort(signal.reason);
  else signal.addEventListener("abort", onAbort, { once: true });
  let index = 0;
  let settled = false;
  const settle = (how: BodySettlement): void => {
    if (settled) return;
    settled = true;
    signal.removeEventListener("abort", onAbort);
    observer.onSettle(how);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const step = steps[index++] ?? ({ type: "end" } as const);
          switch (step.type) {
            case "chunk": {
              const bytes = typeof step.data === "string" ? encoder.encode(step.data) : step.data;
              if (bytes.byteLength === 0) continue;
              controller.enqueue(bytes);
              observer.onBytes(bytes.byteLength);
              return;
            }
            case "sleep":
              if (step.ms <= 0) continue;
              try {
                await clock.sleep(step.ms, local.signal);
              } catch (error) {
                settle("aborted");
                controller.error(error);
                return;
              }
              continue;
            case "hang":
              await untilAborted(local.signal);
              settle("aborted");
              controller.error(local.signal.reason);
              return;
            case "cut":
              settle("cut");
              controller.error(connectionResetError());
              return;
            case "end":
              settle("end");
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
      },
      cancel(reason) {
        settle("aborted");
        local.abort(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Resolves when `signal` aborts (at once if it already has); never rejects. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
