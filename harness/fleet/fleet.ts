import { getResponse, http, type HttpHandler } from "msw";
import { syncBuiltinESMExports } from "node:module";
import { setupServer, type SetupServer } from "msw/node";
import type { Clock } from "../../src/index.ts";
import { createContent, type ContentMode } from "./content.ts";
import {
  formatFaultProblems,
  parseFaultBindings,
  type FaultBinding,
  type FaultBindingInput,
} from "./faults.ts";
import { directFetch } from "./direct-fetch.ts";
import type { FleetRequest } from "./fleet-request.ts";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.ts";
import { PROVIDER_PROFILES } from "./providers/catalog.ts";
import { FLEET_PROVIDERS, isFleetProvider, type FleetProvider } from "./providers/types.ts";
import type { FleetLogEntry, MutableLogEntry } from "./request-log.ts";
import { respond, type FleetTransport } from "./respond.ts";
import { createRouter, type Location } from "./router.ts";
import { FaultSchedule } from "./schedule.ts";

/** Options of {@link createFleet}. */
export interface FleetOptions {
  /** The engine's clock: latency, stalls and dribbles sleep on it (virtual time on a `ManualClock`). */
  readonly clock: Clock;
  /** Seeds content, latency draws, split points and probability schedules. */
  readonly seed: number;
  readonly transport: FleetTransport;
  /** Fault bindings, validated (see `FaultBindingSchema`). */
  readonly faults?: readonly FaultBindingInput[];
  /**
   * `faker` (default): seeded prose; `canonical`: each model answers its own `canonicalAnswerFor(model)`,
   * or `canonicalText` when given (one text for every model).
   */
  readonly content?: ContentMode;
  readonly canonicalText?: string;
  /** Models served per provider (default: each provider's current models); any other model gets a 404. */
  readonly models?: Partial<Record<FleetProvider, readonly string[]>>;
  /** Told of every request the fleet does not own (it is refused either way): the sandbox reports it. */
  readonly onStrayRequest?: (url: string) => void;
  /** Loopback only: listen on this 127.0.0.1 port (a gateway configured with fixed URLs), else a free one. */
  readonly port?: number;
  /**
   * In-process only: how `fleet.fetch` reaches the handler. `direct` (default) calls it without interception
   * (see direct-fetch.ts); `intercepted` goes through msw's patched global fetch. Either way the global fetch
   * stays patched, so an engine that ignores `ctx.fetch` still reaches the fleet through msw.
   */
  readonly fetchPath?: "direct" | "intercepted";
}

/** Where one provider of the fleet lives, in the shape `createAiSdkCaller` and SPEC §10 endpoints take. */
export interface FleetEndpoint {
  /** The API root including its version prefix, e.g. `https://api.openai.fleet.test/v1`. */
  readonly baseURL: string;
  readonly apiKey: string;
  /** The API an AI SDK caller should speak to it (OpenAI: Responses; Azure and OpenRouter: chat). */
  readonly api: "openai-responses" | "anthropic" | "google" | "openai-compatible";
}

/** A running fleet. */
export interface Fleet {
  readonly transport: FleetTransport;
  readonly endpoints: Readonly<Record<FleetProvider, FleetEndpoint>>;
  /** A fetch that reaches the fleet (and nothing else). */
  readonly fetch: typeof fetch;
  /** The provider-side request log, in arrival order (entries are live until their answer settles). */
  readonly log: readonly FleetLogEntry[];
  /** Replaces the fault bindings and resets every schedule's state (counts, buckets, draws). */
  setFaults(faults: readonly FaultBindingInput[]): void;
  /** Stops serving. */
  close(): Promise<void>;
}

/** Thrown by {@link createFleet} and `setFaults` for unusable options. */
export class FleetOptionsError extends Error {
  override readonly name = "FleetOptionsError";
}

const API_OF: Readonly<Record<FleetProvider, FleetEndpoint["api"]>> = {
  openai: "openai-responses",
  anthropic: "anthropic",
  google: "google",
  openrouter: "openai-compatible",
  azure: "openai-compatible",
};

/**
 * The one valid API key per provider. Fixed, so a judge can check that no audit line carries one (SPEC §8:
 * the log never holds a credential) without asking the fleet the engine talked to.
 */
export const FLEET_API_KEYS: Readonly<Record<FleetProvider, string>> = Object.fromEntries(
  FLEET_PROVIDERS.map((p) => [p, `fleet-${p}-key`]),
) as Record<FleetProvider, string>;

/**
 * `Response` as the runtime defines it, even while msw listens: msw's interceptors replace the global with a
 * proxy that records each answer's raw header names for node:http clients (a second `Headers` per answer),
 * and a direct answer never reaches one. The prototype's constructor is the class behind the proxy.
 */
const PLAIN_RESPONSE = Response.prototype.constructor as typeof Response;

// msw patches the process-wide fetch; two in-process fleets at once would fight over it.
let inprocActive = false;

/**
 * Starts a mocked provider fleet on one of two transports behind the same API:
 * - `inproc`: msw `setupServer` with one catch-all handler for the fleet's fake hosts
 *   (`https://api.openai.fleet.test/v1`, …), `onUnhandledRequest: "error"`; one at a time per process;
 * - `loopback`: a `node:http` server on 127.0.0.1 and a free port answering through msw's `getResponse`
 *   over the same handler, one path prefix per provider (`http://127.0.0.1:PORT/openai/v1`), with real
 *   socket faults. Its `fetch` refuses any other address.
 */
export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const models = servedModels(options.models);
  let bindings = validateBindings(options.faults ?? [], models);
  let schedule = new FaultSchedule(bindings, options.seed, options.clock.now());
  const log: MutableLogEntry[] = [];
  const keys = FLEET_API_KEYS;
  let loopbackOrigin = "";
  const locate = (url: URL): Location | undefined =>
    options.transport === "inproc" ? locateInproc(url) : locateLoopback(url, loopbackOrigin);
  const router = createRouter({
    clock: options.clock,
    seed: options.seed,
    content: await createContent(options.content ?? "faker", options.canonicalText),
    models: Object.fromEntries(
      FLEET_PROVIDERS.map((p): [FleetProvider, ReadonlySet<string>] => [p, new Set(models[p])]),
    ) as Record<FleetProvider, ReadonlySet<string>>,
    keys,
    schedule: () => schedule,
    locate,
    record: (entry) => log.push(entry),
  });
  const serve = async (request: FleetRequest): Promise<Response> =>
    respond(await router.handle(request), options.transport, options.clock, request.signal);
  // A `then`, not an async arrow: the same turns (the reply's promise adopted as the async function's
  // return adopted it), without a frame and a promise more per request on its way in.
  const serveDirect = (request: FleetRequest): Promise<Response> =>
    router
      .handle(request)
      .then((routed) => respond(routed, "inproc", options.clock, request.signal, PLAIN_RESPONSE));
  const handler: HttpHandler = http.all(
    ({ request }) => router.owns(request.url),
    ({ request }) => serve(request),
  );

  const common = {
    transport: options.transport,
    log,
    setFaults(faults: readonly FaultBindingInput[]): void {
      bindings = validateBindings(faults, models);
      schedule = new FaultSchedule(bindings, options.seed, options.clock.now());
    },
  };

  if (options.transport === "inproc") {
    if (inprocActive) {
      throw new FleetOptionsError(
        'Failed to create the fleet: an in-process fleet is already listening in this process. Close it first, or use transport "loopback".',
      );
    }
    inprocActive = true;
    // Resolved at call time: msw patches the global fetch while listening.
    const intercepted: typeof fetch = (input, init) => globalThis.fetch(input, init);
    // msw's "error" strategy prints and then lets the request through to the real network; a catch-all
    // that answers with a network error is what keeps a stray request off the network.
    const refuseStray: HttpHandler = http.all("*", ({ request }) => {
      options.onStrayRequest?.(request.url);
      return Response.error();
    });
    const server: SetupServer = setupServer(handler, refuseStray);
    server.listen({ onUnhandledRequest: "error" });
    // msw patches `request` and `get` on node:http's and node:https's CommonJS exports. An ES module's
    // `import { request } from "node:http"` sees that only once the builtins' ES namespaces are synced:
    // without it, an ES module engine calling the fleet that way would pass it by (and one compiled to
    // CommonJS, engine-compile.ts, would not).
    syncBuiltinESMExports();
    return {
      ...common,
      endpoints: endpointsFor((p) => PROVIDER_PROFILES[p].origin, keys),
      fetch:
        options.fetchPath === "intercepted"
          ? intercepted
          : directFetch({ owns: (url) => router.owns(url), serve: serveDirect, fallback: intercepted }),
      close: () => {
        server.close();
        syncBuiltinESMExports();
        inprocActive = false;
        return Promise.resolve();
      },
    };
  }

  const server: LoopbackServer = await startLoopbackServer(
    (request) => getResponse([handler], request),
    options.port ?? 0,
  );
  loopbackOrigin = server.origin;
  const realFetch = globalThis.fetch;
  return {
    ...common,
    endpoints: endpointsFor((p) => `${server.origin}/${p}`, keys),
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.startsWith(`${server.origin}/`)) {
        options.onStrayRequest?.(url);
        return Promise.reject(
          new TypeError(
            `Failed to fetch ${url}: the loopback fleet only serves ${server.origin}. Use the fleet's endpoints.`,
          ),
        );
      }
      return realFetch(input, init);
    },
    close: () => server.close(),
  };
}

function endpointsFor(
  originOf: (p: FleetProvider) => string,
  keys: Record<FleetProvider, string>,
): Record<FleetProvider, FleetEndpoint> {
  return Object.fromEntries(
    FLEET_PROVIDERS.map((p) => [
      p,
      { baseURL: `${originOf(p)}${PROVIDER_PROFILES[p].basePath}`, apiKey: keys[p], api: API_OF[p] },
    ]),
  ) as Record<FleetProvider, FleetEndpoint>;
}

function locateInproc(url: URL): Location | undefined {
  for (const p of FLEET_PROVIDERS) {
    if (url.origin === PROVIDER_PROFILES[p].origin) return { provider: p, path: url.pathname };
  }
  return undefined;
}

function locateLoopback(url: URL, origin: string): Location | undefined {
  if (origin === "" || url.origin !== origin) return undefined;
  const match = /^\/([^/]+)(\/.*)$/.exec(url.pathname);
  const provider = match?.[1];
  if (provider === undefined || !isFleetProvider(provider)) return undefined;
  return { provider, path: match?.[2] ?? "/" };
}

function servedModels(custom: FleetOptions["models"]): Record<FleetProvider, readonly string[]> {
  return Object.fromEntries(
    FLEET_PROVIDERS.map((p) => [p, custom?.[p] ?? PROVIDER_PROFILES[p].defaultModels]),
  ) as Record<FleetProvider, readonly string[]>;
}

/** Validates bindings and their targets: `*`, a provider the fleet serves, or a model id it serves. */
function validateBindings(
  input: readonly FaultBindingInput[],
  models: Record<FleetProvider, readonly string[]>,
): readonly FaultBinding[] {
  const parsed = parseFaultBindings(input);
  if (!parsed.ok) {
    throw new FleetOptionsError(
      `Failed to create the fleet: the faults are invalid.\n${formatFaultProblems(parsed.problems)}\nFix the fields named above (see FAULT_KINDS and FaultBindingSchema).`,
    );
  }
  const problems: string[] = [];
  parsed.bindings.forEach((binding, i) => {
    const { target } = binding;
    if (target === "*" || isFleetProvider(target)) return;
    const slash = target.indexOf("/");
    const provider = slash > 0 ? target.slice(0, slash) : target;
    if (!isFleetProvider(provider)) {
      problems.push(
        `faults.${i}.target: "${target}" names no fleet provider; expected "*", one of ${FLEET_PROVIDERS.join(", ")}, or provider/model`,
      );
    } else if (!models[provider].includes(target.slice(slash + 1))) {
      problems.push(
        `faults.${i}.target: the fleet does not serve "${target}"; ${provider} serves ${models[provider].join(", ")}`,
      );
    }
  });
  if (problems.length > 0) {
    throw new FleetOptionsError(
      `Failed to create the fleet: a fault targets something the fleet does not serve.\n${problems.join("\n")}\nBind faults to a served model, a provider, or "*".`,
    );
  }
  return parsed.bindings;
}
