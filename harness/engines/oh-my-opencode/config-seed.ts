import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WorkspaceExtras } from "../opencode/opencode-workspace.ts";
import { CONFIG_SEED_MANIFEST } from "./install-omo.ts";

/**
 * OpenCode's config dir as it leaves it after installing the plugin SDK itself (checked on 1.18.33): a
 * `package.json` naming `@opencode-ai/plugin` at OpenCode's version, its `package-lock.json`, and
 * `node_modules`. Given that, OpenCode starts at once instead of installing (~25 s, or ~70 s of waiting when
 * the registry is out of reach). The manifest and lock are copied; `node_modules` (64 MB) is a symlink to the
 * seed install, which no scenario writes to.
 */
export function configSeedExtras(
  seedDir: string,
  readText: (path: string) => string = (path) => readFileSync(path, "utf8"),
): Required<Pick<WorkspaceExtras, "configFiles" | "configLinks">> {
  return {
    configFiles: {
      "package.json": `${JSON.stringify(CONFIG_SEED_MANIFEST)}\n`,
      "package-lock.json": readText(join(seedDir, "package-lock.json")),
    },
    configLinks: { node_modules: join(seedDir, "node_modules") },
  };
}
