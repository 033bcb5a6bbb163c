import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { npmInstallPinned, npmOutputTail } from "../process/npm-install.ts";
import { pathToFileURL } from "node:url";
import { OPENCODE_VERSION } from "../opencode/install-opencode.ts";

/** The pinned plugin: `oh-my-opencode` from npm, judged as published. */
export const OMO_VERSION = "4.19.4";

/**
 * Where the plugin is installed: `FH_OMO_DIR`, else `~/.cache/fallback-harness/oh-my-opencode-<version>/`.
 * The same directory holds `opencode-config-seed/`, the plugin SDK OpenCode wants in its config dir.
 */
export function omoDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FH_OMO_DIR ?? join(homedir(), ".cache", "fallback-harness", `oh-my-opencode-${OMO_VERSION}`);
}

/** The plugin's package directory inside an install directory. */
export function omoPackage(dir: string): string {
  return join(dir, "node_modules", "oh-my-opencode");
}

/** The `plugin` entry for `opencode.json`: the local install by `file://` URL (nothing fetched). */
export function omoPluginUrl(dir: string): string {
  return pathToFileURL(omoPackage(dir)).href;
}

/**
 * Once any plugin is configured, OpenCode npm-installs `@opencode-ai/plugin` (its own version) into its
 * config dir and waits for it: ~25 s with the registry in reach, ~70 s when it cannot finish (a loopback-only
 * namespace). This directory holds that install, made once, for each scenario's config dir to reuse.
 */
export function configSeedDir(dir: string): string {
  return join(dir, "opencode-config-seed");
}

/** The `package.json` OpenCode 1.18.33 writes into its config dir (checked: it is exactly this). */
export const CONFIG_SEED_MANIFEST = { dependencies: { "@opencode-ai/plugin": OPENCODE_VERSION } } as const;

/**
 * Installs the pinned plugin (~480 MB) and the config-dir seed with npm (the registry only; no install
 * scripts), unless they are already there. Returns the plugin's directory, or why it could not be installed.
 */
export async function ensureOmo(
  dir: string,
  log: (line: string) => void,
): Promise<{ ok: true; plugin: string } | { ok: false; message: string }> {
  const plugin = omoPackage(dir);
  if (!existsSync(join(plugin, "dist", "index.js"))) {
    const manifest = {
      name: "fallback-harness-oh-my-opencode",
      private: true,
      dependencies: { "oh-my-opencode": OMO_VERSION },
    };
    log(
      `installing oh-my-opencode@${OMO_VERSION} into ${dir} (npm, pinned, ~480 MB; once; FH_OMO_DIR overrides)…`,
    );
    const result = await npmInstallPinned(dir, manifest);
    if (result.code !== 0 || !existsSync(join(plugin, "dist", "index.js")))
      return {
        ok: false,
        message: `could not install oh-my-opencode@${OMO_VERSION} into ${dir} (npm exit ${String(result.code)}): ${npmOutputTail(result)}. Set FH_OMO_DIR to a directory holding an install.`,
      };
  }
  const seed = configSeedDir(dir);
  if (!existsSync(join(seed, "node_modules", "@opencode-ai", "plugin", "package.json"))) {
    log(
      `installing @opencode-ai/plugin@${OPENCODE_VERSION} into ${seed} (OpenCode's config-dir seed; once)…`,
    );
    const result = await npmInstallPinned(seed, CONFIG_SEED_MANIFEST);
    if (result.code !== 0)
      return {
        ok: false,
        message: `could not install @opencode-ai/plugin@${OPENCODE_VERSION} into ${seed} (npm exit ${String(result.code)}): ${npmOutputTail(result)}.`,
      };
  }
  log(`oh-my-opencode ${OMO_VERSION}: ${plugin} (FH_OMO_DIR overrides the directory)`);
  return { ok: true, plugin };
}
