import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { processEngine, type ProcessEngine } from "../engines/process-engines.ts";
import type { EngineSource } from "../runner/run-suite.ts";
import { probeEngine, type IsolateLimits } from "./supervise-isolate.ts";

/** The reference engine's SPEC §10 module, loaded in isolates like any other engine. */
export const REFERENCE_ENGINE_MODULE = new URL("../../src/node/reference-eut.ts", import.meta.url).href;

/**
 * `--engine <module>` as an isolated engine: the module's URL and, with `probe` (the default), the name it
 * declares, learned by loading it in a throwaway isolate (its top-level code never runs in the judge's
 * thread). Without `probe`, each scenario's isolate reports the name. Without a path, the reference engine.
 */
export async function resolveEngineSource(
  path: string | undefined,
  cwd: string,
  options: { readonly probe?: boolean; readonly limits?: IsolateLimits } = {},
): Promise<
  | {
      ok: true;
      source: Extract<EngineSource, { kind: "isolated" }>;
      reference: boolean;
      /** `portkey`, `gateway:URL`: an engine in its own process, run on real time (SPEC §10.4). */
      process?: ProcessEngine;
    }
  | { ok: false; message: string }
> {
  const named = processEngine(path);
  if (named !== null) {
    if ("error" in named) return { ok: false, message: named.error };
    return {
      ok: true,
      source: {
        kind: "isolated",
        module: named.module,
        name: null,
        ...(named.startupMs ? { startupMs: named.startupMs } : {}),
      },
      reference: false,
      process: named,
    };
  }
  const reference = path === undefined || path === "reference";
  let module = REFERENCE_ENGINE_MODULE;
  if (!reference) {
    const file = resolve(cwd, path);
    if (!existsSync(file)) {
      return {
        ok: false,
        message: `Failed to load the engine module ${file}: no such file. Check the --engine path.`,
      };
    }
    module = pathToFileURL(file).href;
  }
  if (options.probe === false)
    return {
      ok: true,
      source: { kind: "isolated", module, name: reference ? "reference" : null },
      reference,
    };
  const probe = await probeEngine(module, options.limits);
  if (!probe.ok) return { ok: false, message: probe.message };
  return { ok: true, source: { kind: "isolated", module, name: probe.name }, reference };
}
