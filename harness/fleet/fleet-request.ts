/**
 * What the fleet reads of a request: its URL, method, a few headers (the API key), the body text once, and
 * the signal that tells it the client went away. A WHATWG `Request` has all of it (msw and the loopback
 * adapter hand the fleet one); the direct path hands it a {@link leanRequest} instead.
 */
export interface FleetRequest {
  /** The URL as `Request` serialises it (`new URL(input).href`). */
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  readonly signal: AbortSignal;
  text(): Promise<string>;
}

/**
 * The request a fetch of `input` with `init` would build, without building a `Request`, for the one shape
 * the AI SDK's providers send (`postToApi`: a URL string, `POST`, a string body, the call's abort signal);
 * undefined for anything else, which the caller then wraps in a real `Request`.
 *
 * Why: on Node 20 a `Request` costs ~6 KiB of live heap while its answer is awaited (its own signal
 * following `init.signal`, a transferable body `ReadableStream` with a per-instance hidden class, its
 * header list), which is most of what the harness adds per request in flight; 10,000 concurrent requests
 * through one engine must fit in 200 MB (issue 15 item 5). What the fleet observes is the same:
 * - `url`: the parsed and serialised URL (a URL with credentials, which `Request` refuses, is not lean);
 * - `headers`: what a `Headers` made from `init.headers` holds (built once here, so a bad header fails the
 *   fetch as `Request` would), plus the `content-type` a `Request` gives a string body that has none; kept
 *   as a flat list of pairs, not the `Headers` (about 1 KiB each);
 * - `signal`: `init.signal` itself, or a fresh one that never aborts when there is none. A `Request`'s
 *   signal follows it with the same reason, synchronously from its abort event, so listeners see the same
 *   abort in the same turn;
 * - `text()`: the body, once (a second read rejects, as a used `Request` body does).
 */
export function leanRequest(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
): FleetRequest | undefined {
  if (typeof input !== "string" || init === undefined) return undefined;
  const { body, signal } = init;
  if (init.method !== "POST" || typeof body !== "string") return undefined;
  // No signal (a call made without `abortSignal`, as `generateText` makes it unless given one): a `Request`
  // would make its own, never aborted; so does this, for a fraction of the cost. Making such calls build a
  // whole `Request` charged every engine that passes no signal ~40 µs per call the others did not pay.
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    return undefined;
  }
  if (parsed.username !== "" || parsed.password !== "") return undefined;
  // The caller's own string when it is already serialised (the AI SDK's always is): one URL string held
  // per request in flight, not two.
  return new LeanRequest(
    parsed.href === input ? input : parsed.href,
    init.headers,
    body,
    signal ?? new AbortController().signal,
  );
}

/** A class, not an object literal with closures: one shape for every request, and no closure each. */
class LeanRequest implements FleetRequest {
  readonly method = "POST";
  readonly headers: { get(name: string): string | null };
  #body: string | undefined;

  constructor(
    readonly url: string,
    init: HeadersInit | undefined,
    body: string,
    readonly signal: AbortSignal,
  ) {
    this.headers = new HeaderPairs(init);
    this.#body = body;
  }

  text(): Promise<string> {
    const body = this.#body;
    // Dropped once read: the request stays referenced until its answer settles, its body need not.
    this.#body = undefined;
    return body === undefined
      ? Promise.reject(new TypeError("Body is unusable: Body has already been read"))
      : Promise.resolve(body);
  }
}

/**
 * `Headers` as the runtime defines it, even while msw listens: msw's interceptors replace the global with a
 * proxy that records raw header names (for node:http clients) on every construction and `set`, which a
 * lookup table read here and dropped has no use for. The prototype's constructor is the class behind it.
 */
const PLAIN_HEADERS = Headers.prototype.constructor as typeof Headers;

/** Header lookup over `[name, value, name, value, …]` as `Headers` normalises them (lower-case names). */
class HeaderPairs {
  readonly #pairs: string[] = [];

  constructor(init: HeadersInit | undefined) {
    const headers = new PLAIN_HEADERS(init);
    // What `new Request(url, { body: string })` adds (the fetch standard's "extract a body").
    if (!headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8");
    const pairs = this.#pairs;
    headers.forEach((value, name) => {
      pairs.push(name, value);
    });
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    for (let i = 0; i < this.#pairs.length; i += 2)
      if (this.#pairs[i] === key) return this.#pairs[i + 1] ?? null;
    return null;
  }
}
