import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, isAbsolute } from "node:path";
import type { OpencodeConfig } from "./opencode-config.ts";

/**
 * One scenario's private OpenCode world: its own HOME, XDG dirs and project directory (holding
 * `opencode.json`), under a fresh temporary directory, and the environment OpenCode runs with. Nothing of
 * the user's OpenCode setup, keys or plugins is seen, and nothing of this run is left behind.
 */
export interface OpencodeWorkspace {
  readonly root: string;
  readonly home: string;
  /** `$XDG_CONFIG_HOME/opencode`: OpenCode's global config dir (plugins install their deps here). */
  readonly configDir: string;
  /** The working directory: `opencode.json` and any project files. */
  readonly project: string;
  readonly env: Readonly<Record<string, string>>;
}

/** What an adapter built on this one adds: files (by path relative to a dir) and environment. */
export interface WorkspaceExtras {
  /** Files in the project directory, e.g. `.omo/omo.jsonc`. */
  readonly projectFiles?: Readonly<Record<string, string>>;
  /** Files in the config dir, e.g. a pre-seeded `package.json` and lock for plugin dependencies. */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** Symlinks in the config dir (path → target), e.g. a pre-installed `node_modules` shared by scenarios. */
  readonly configLinks?: Readonly<Record<string, string>>;
  /** Added to the environment (after the harness's own: an adapter may turn a feature off, not keys on). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Every OpenCode switch that keeps it off the internet and quick: no update check, no models.dev fetch, no
 * sharing, no LSP downloads, no default plugins, no Claude Code or external skills lookups.
 */
export const OPENCODE_OFFLINE_ENV: Readonly<Record<string, string>> = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
  OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
};

/**
 * The environment OpenCode runs with, built from nothing: PATH (to find a shell), the private dirs and the
 * offline switches. No key, proxy or OpenCode setting of the harness's own environment reaches it.
 */
export function opencodeEnv(
  dirs: { readonly root: string; readonly home: string; readonly xdg: string },
  path: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: path,
    HOME: dirs.home,
    TMPDIR: join(dirs.root, "tmp"),
    XDG_CONFIG_HOME: join(dirs.xdg, "config"),
    XDG_DATA_HOME: join(dirs.xdg, "data"),
    XDG_CACHE_HOME: join(dirs.xdg, "cache"),
    XDG_STATE_HOME: join(dirs.xdg, "state"),
    ...OPENCODE_OFFLINE_ENV,
    ...extra,
  };
}

/** A relative path that stays inside its directory, or an error naming it. */
function inside(dir: string, path: string): string {
  const full = join(dir, path);
  const rel = relative(dir, full);
  if (isAbsolute(path) || rel.startsWith("..") || rel === "")
    throw new Error(`the workspace file "${path}" is not a path inside ${dir}`);
  return full;
}

async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = inside(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** Creates the private dirs under a fresh temp dir (or `parent`) and writes `opencode.json` and the extras. */
export async function prepareWorkspace(
  config: OpencodeConfig | Readonly<Record<string, unknown>>,
  extras: WorkspaceExtras = {},
  parent: string = tmpdir(),
): Promise<OpencodeWorkspace> {
  const root = await mkdtemp(join(parent, "fh-opencode-"));
  const home = join(root, "home");
  const xdg = join(root, "xdg");
  const project = join(root, "project");
  const configDir = join(xdg, "config", "opencode");
  for (const dir of [
    home,
    project,
    configDir,
    join(root, "tmp"),
    join(xdg, "data"),
    join(xdg, "cache"),
    join(xdg, "state"),
  ])
    await mkdir(dir, { recursive: true });
  await writeFile(join(project, "opencode.json"), `${JSON.stringify(config, null, 2)}\n`);
  await writeFiles(project, extras.projectFiles ?? {});
  await writeFiles(configDir, extras.configFiles ?? {});
  for (const [path, target] of Object.entries(extras.configLinks ?? {}))
    await symlink(target, inside(configDir, path));
  const env = opencodeEnv({ root, home, xdg }, process.env.PATH ?? "/usr/bin:/bin", extras.env);
  return { root, home, configDir, project, env };
}

/** Removes a workspace (OpenCode's database and logs included). */
export async function removeWorkspace(workspace: OpencodeWorkspace): Promise<void> {
  await rm(workspace.root, { recursive: true, force: true });
}
