import { gatewayUrl } from "./gateway/gateway-engine.ts";
import { ensureOpencode, opencodeDir, OPENCODE_VERSION } from "./opencode/install-opencode.ts";
import { ensureOmo, OMO_VERSION, omoDir } from "./oh-my-opencode/install-omo.ts";
import { ensurePortkey, portkeyDir, PORTKEY_VERSION } from "./portkey/install-portkey.ts";

/**
 * Engines in their own process (SPEC §10.4), named on the command line: `gateway:URL` (a gateway the user
 * started) and `portkey` (the Portkey gateway, installed and started by its adapter per scenario). They
 * run on real time only, one scenario at a time, and take their settings from the isolate's environment.
 */
export interface ProcessEngine {
  readonly name: string;
  /** The adapter module's file URL. */
  readonly module: string;
  readonly env: Readonly<Record<string, string>>;
  /** The fleet must listen on the port the user's gateway was configured with. */
  readonly needsFleetPort: boolean;
  /**
   * What the engine costs once per scenario beyond its requests' own time, ms: its process started in
   * `create`, a cold first request, stopped in `close`. The real-time budget charges it to every scenario
   * (`estimateSpan`), so a run does not start scenarios it has no time left to finish. Absent: nothing to
   * start (a gateway the user started). How the values were measured: above `PORTKEY_STARTUP_MS`.
   */
  readonly startupMs?: number;
  /** Run once before the suite, outside any isolate (an install): null when ready, else why not. */
  readonly prepare?: (log: (line: string) => void) => Promise<string | null>;
  /** What exactly is judged, for the scorecard's header (`@portkey-ai/gateway 1.15.2`, `opencode --version`). */
  readonly version?: () => Promise<string>;
}

/**
 * Start-up costs (`ProcessEngine.startupMs`), measured on this 2-core machine under load 10–15 with `nice -n
 * 19`: the wall time of a one-request fault-free scenario run by `runSuite` on real time, minus the
 * reference engine's on the same scenario (3.2–4.9 s), 2–3 runs each. Portkey 7.4–9.2 s (+3.4–5.2 s);
 * `opencode` serve 23–39 s (+19–35 s, its first prompt alone 7–14 s); `opencode:run` 34–36 s (+30 s, its
 * one request 25–27 s); opencode+omo 22–33 s (+18–29 s). Each value is the low end, rounded: the scorecard
 * runs at normal priority, and an over-estimate only skips scenarios that would have fit.
 */
const PORTKEY_STARTUP_MS = 4_000;
const OPENCODE_SERVE_STARTUP_MS = 20_000;
/** Every request is a process of its own; only the first one's cost is charged (a per-scenario figure). */
const OPENCODE_RUN_STARTUP_MS = 25_000;
const OMO_STARTUP_MS = 20_000;

export const GATEWAY_ENGINE_MODULE = new URL("./gateway/gateway-engine.ts", import.meta.url).href;
export const PORTKEY_ENGINE_MODULE = new URL("./portkey/portkey-engine.ts", import.meta.url).href;
export const OPENCODE_ENGINE_MODULE = new URL("./opencode/opencode-engine.ts", import.meta.url).href;
export const OPENCODE_RUN_ENGINE_MODULE = new URL("./opencode/opencode-run-engine.ts", import.meta.url).href;
export const OMO_ENGINE_MODULE = new URL("./oh-my-opencode/omo-engine.ts", import.meta.url).href;

/** The process engine `--engine` names, an error message for a malformed one, or null for a module path. */
export function processEngine(spec: string | undefined): ProcessEngine | { readonly error: string } | null {
  if (spec === undefined) return null;
  if (spec === "portkey") {
    return {
      name: "portkey",
      module: PORTKEY_ENGINE_MODULE,
      env: {},
      needsFleetPort: false,
      startupMs: PORTKEY_STARTUP_MS,
      version: () => Promise.resolve(`@portkey-ai/gateway ${PORTKEY_VERSION}`),
      prepare: async (log) => {
        const installed = await ensurePortkey(portkeyDir(), log);
        return installed.ok ? null : installed.message;
      },
    };
  }
  if (spec === "opencode" || spec === "opencode:run") {
    return {
      name: spec,
      module: spec === "opencode" ? OPENCODE_ENGINE_MODULE : OPENCODE_RUN_ENGINE_MODULE,
      env: {},
      needsFleetPort: false,
      startupMs: spec === "opencode" ? OPENCODE_SERVE_STARTUP_MS : OPENCODE_RUN_STARTUP_MS,
      version: () => Promise.resolve(`opencode-ai ${OPENCODE_VERSION}`),
      prepare: async (log) => {
        const installed = await ensureOpencode(opencodeDir(), log);
        return installed.ok ? null : installed.message;
      },
    };
  }
  if (spec === "opencode+omo" || spec === "oh-my-opencode") {
    return {
      name: "opencode+omo",
      module: OMO_ENGINE_MODULE,
      env: {},
      needsFleetPort: false,
      startupMs: OMO_STARTUP_MS,
      version: () => Promise.resolve(`opencode-ai ${OPENCODE_VERSION} + oh-my-opencode ${OMO_VERSION}`),
      prepare: async (log) => {
        const opencode = await ensureOpencode(opencodeDir(), log);
        if (!opencode.ok) return opencode.message;
        const omo = await ensureOmo(omoDir(), log);
        return omo.ok ? null : omo.message;
      },
    };
  }
  if (!spec.startsWith("gateway:")) return null;
  const raw = spec.slice("gateway:".length);
  try {
    gatewayUrl(raw);
  } catch (error) {
    return { error: `--engine ${spec}: ${(error as Error).message}` };
  }
  return {
    name: "gateway",
    module: GATEWAY_ENGINE_MODULE,
    env: { FH_GATEWAY_URL: raw },
    needsFleetPort: true,
  };
}
