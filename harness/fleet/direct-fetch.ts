import { leanRequest, type FleetRequest } from "./fleet-request.ts";

/** What {@link directFetch} needs from the fleet. */
export interface DirectFetchDeps {
  /** True when the fleet serves this URL (the catch-all handler's predicate). */
  readonly owns: (url: string) => boolean;
  /** The fleet's handler: the same function msw's catch-all resolver runs. It must never reject. */
  readonly serve: (request: FleetRequest) => Promise<Response>;
  /** Everything the fleet does not own goes here (the msw-patched global fetch, which refuses it). */
  readonly fallback: typeof fetch;
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}

/**
 * A fetch that calls the fleet's handler directly: no global patch, no handler matching, no interceptor
 * bookkeeping. It keeps what an engine can observe of msw's fetch interception (@mswjs/interceptors'
 * FetchInterceptor), so the audit an engine writes is the same on both paths:
 * - a signal already aborted rejects with its reason before the fleet sees the request (no log entry);
 * - a signal aborted before the answer rejects with its reason at once (the handler goes on, as in msw, and
 *   logs the call as aborted);
 * - `Response.error()` (the in-process socket faults) rejects with `TypeError("Failed to fetch")` whose
 *   `cause` is that error response, msw's `createNetworkError`;
 * - an answer carries the request's URL as `response.url`.
 * The fleet sends no redirect and no `content-encoding`, so msw's redirect following and decompression have
 * nothing to do here. A URL the fleet does not own goes to `fallback`, so a stray request is refused and
 * reported exactly as msw does it.
 */
export function directFetch(deps: DirectFetchDeps): typeof fetch {
  // Not `async`: one promise per fetch, settled by the fleet's answer or the abort, whichever comes first.
  // An async function awaiting that race held its frame and a second promise for every request in flight
  // (issue 15 item 5: 10,000 of them under 200 MB). Anything thrown on the way still becomes a rejection.
  return (input, init) => {
    try {
      if (!deps.owns(urlOf(input))) return deps.fallback(input, init);
      // The AI SDK's shape skips building a `Request` (~6 KiB held per request in flight): see leanRequest.
      const request = leanRequest(input, init) ?? new Request(input, init);
      const { signal } = request;
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as msw: the reason as given.
      if (signal.aborted) return Promise.reject(signal.reason);
      return answerOf(deps.serve(request), request.url, signal);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the async function rejected with.
      return Promise.reject(error);
    }
  };
}

/**
 * The fleet's answer to a fetch of `url` as msw's fetch would hand it over, or a rejection with the
 * signal's reason if it aborts first. Only the URL and the signal are kept while the answer is awaited, not
 * the request (its header table, its body).
 */
function answerOf(work: Promise<Response>, url: string, signal: AbortSignal): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    // As msw: the reason as given (an AbortError by default, or whatever the caller passed to abort()).
    // Made by a factory, neither a named arrow nor a bound function: tsx's keepNames gives each named
    // closure a 256-byte property array, and a function bound to a named one gets its own "bound …" name
    // in one; every request in flight holds this (issue 15 item 5: 10,000 of them under 200 MB).
    const onAbort = rejecterOf(reject, signal);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (response) => {
        signal.removeEventListener("abort", onAbort);
        if (response.type === "error") {
          reject(Object.assign(new TypeError("Failed to fetch"), { cause: response }));
          return;
        }
        // A Response made by the handler has an empty url; msw's FetchResponse sets the request's.
        Object.defineProperty(response, "url", { value: url, enumerable: true, configurable: true });
        resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The abort listener of {@link answerOf}; returned, not declared, so it has no name of its own. */
function rejecterOf(reject: (reason: Error) => void, signal: AbortSignal): () => void {
  return () => reject(signal.reason as Error);
}
