import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { referenceEngine, type EngineUnderTest } from "../../src/index.ts";

/** An engine module that could not be used, with what to do about it. */
export class EngineModuleError extends Error {
  override readonly name = "EngineModuleError";
}

function isEngineUnderTest(value: unknown): value is EngineUnderTest {
  return typeof value === "object" && value !== null && typeof (value as EngineUnderTest).name === "string" && typeof (value as EngineUnderTest).create === "function";
}

/**
 * Loads `--engine <module>` (SPEC §10): a module whose default export is `{ name, create(ctx) }`. Without a
 * path, the reference engine.
 */
export async function loadEngineModule(path: string | undefined, cwd: string): Promise<EngineUnderTest> {
  if (path === undefined || path === "reference") return referenceEngine;
  const file = resolve(cwd, path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new EngineModuleError(`Failed to load the engine module ${file}: ${error instanceof Error ? error.message : String(error)}. Check the path; the module must be ESM (or TypeScript).`);
  }
  if (!isEngineUnderTest(module.default)) {
    throw new EngineModuleError(`Failed to load the engine module ${file}: its default export is not { name, create(ctx) }. See SPEC §10 and src/node/reference-eut.ts for an example.`);
  }
  return module.default;
}
