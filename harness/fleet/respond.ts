import type { Clock } from "../../src/index.ts";
import { bodyStream, untilAborted, type BodyObserver, type BodySettlement } from "./body-stream.ts";
import type { EndOutcome } from "./plan.ts";
import type { FleetOutcome, MutableLogEntry } from "./request-log.ts";
import type { Routed } from "./router.ts";

/** The transports behind one fleet API: msw in process, or a real `node:http` server on 127.0.0.1. */
export type FleetTransport = "inproc" | "loopback";

/**
 * Internal header that carries a socket-level fault from the msw handler to the loopback adapter (msw can
 * only return a `Response`); the adapter strips it and acts on the socket instead of answering.
 */
export const SOCKET_FAULT_HEADER = "x-fleet-internal-socket";
/** How many garbage bytes the loopback adapter writes for `garbage_then_close`. */
export const GARBAGE_BYTES_HEADER = "x-fleet-internal-garbage";

/**
 * Turns a routed reply into the `Response` the catch-all handler returns: waits the reply's delay on the
 * fleet clock (for a stall before the headers with no end, until the client aborts), then answers with a
 * body that plays its steps, keeping the log entry in step. Nothing reaches the client before this returns:
 * no status line, no header. A network failure is `Response.error()` in process (fetch rejects with
 * "Failed to fetch"); on loopback it is a marked response the adapter turns into a real socket fault.
 * `answer` is the class an answer is built with (default: the global `Response`).
 *
 * Not `async`: a request waiting out its delay holds one promise and one callback here, not an async
 * function's frame (issue 15 item 5: 10,000 requests in flight under 200 MB of heap). The steps and their
 * turns are the ones the async function took: the answer is built in the turn the sleep ends.
 */
export function respond(
  routed: Routed,
  transport: FleetTransport,
  clock: Clock,
  signal: AbortSignal,
  answer: typeof Response = Response,
): Promise<Response> {
  const { reply, entry } = routed;
  entry.latency_ms = reply.delayMs;
  if (reply.delayMs <= 0) return Promise.resolve(afterDelay(routed, transport, clock, signal, answer));
  return clock.sleep(reply.delayMs, signal).then(
    () => afterDelay(routed, transport, clock, signal, answer),
    () => {
      finish(entry, clock, "aborted");
      return Response.error();
    },
  );
}

/** What {@link respond} does once the reply's delay has passed. */
function afterDelay(
  { reply, entry }: Routed,
  transport: FleetTransport,
  clock: Clock,
  signal: AbortSignal,
  answer: typeof Response,
): Response | Promise<Response> {
  if (reply.kind === "http" && reply.hangBeforeHead) {
    // A stall before any byte with no end: no status line until the client gives up (on loopback the
    // server writes nothing until this returns, so the client's header timeout is what ends the wait).
    return untilAborted(signal).then(() => {
      finish(entry, clock, "aborted");
      return Response.error();
    });
  }
  if (reply.kind === "network") {
    finish(entry, clock, "network_error");
    if (transport === "inproc") return Response.error();
    return new Response(null, {
      status: 500,
      headers: { [SOCKET_FAULT_HEADER]: reply.action, [GARBAGE_BYTES_HEADER]: String(reply.garbageBytes) },
    });
  }
  entry.status = reply.status;
  const body = bodyStream(reply.steps, clock, signal, new EntryObserver(entry, clock, reply.outcome));
  return new answer(body, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
}

/**
 * Keeps a log entry in step with its body. A class rather than an object of two arrows: under tsx
 * (`keepNames`) each named arrow carries a 256-byte property array, and every answer holds its observer
 * while the client reads it (issue 15 item 5).
 */
class EntryObserver implements BodyObserver {
  constructor(
    private readonly entry: MutableLogEntry,
    private readonly clock: Clock,
    private readonly outcome: EndOutcome,
  ) {}

  onBytes(count: number): void {
    this.entry.bytes += count;
  }

  onSettle(how: BodySettlement): void {
    this.entry.completed = how === "end";
    finish(this.entry, this.clock, how === "end" ? this.outcome : how);
  }
}

/**
 * Settles a log entry. A module function rather than a closure per request: every request waits in
 * `respond` while in flight, and under tsx (`keepNames`) a named closure also carries a 256-byte property
 * array, which 10,000 concurrent requests would hold (issue 15 item 5).
 */
function finish(entry: MutableLogEntry, clock: Clock, outcome: FleetOutcome): void {
  entry.outcome = outcome;
  entry.ended_at = clock.now();
}
