import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { npmInstallPinned, npmOutputTail } from "../process/npm-install.ts";

/** The pinned gateway: `@portkey-ai/gateway`, judged as published. */
export const PORTKEY_VERSION = "1.15.2";

/**
 * Streaming through Anthropic/OpenAI targets needs `@hono/node-server` ≤ 1.14.1: with what npm resolves by
 * default (1.19.x) every streamed request answers 500 (`TypeError: immutable`, upstream #1389/#1550).
 */
const HONO_NODE_SERVER = "1.14.1";

/** Where the gateway is installed: `FH_PORTKEY_DIR`, else `~/.cache/fallback-harness/portkey-<version>/`. */
export function portkeyDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FH_PORTKEY_DIR ?? join(homedir(), ".cache", "fallback-harness", `portkey-${PORTKEY_VERSION}`);
}

/** The gateway's start script inside an install directory. */
export function portkeyServer(dir: string): string {
  return join(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
}

/**
 * Installs the pinned gateway into `dir` with npm (the registry only; no install scripts), unless it is
 * already there. Returns the start script, or why it could not be installed.
 */
export async function ensurePortkey(
  dir: string,
  log: (line: string) => void,
): Promise<{ ok: true; server: string } | { ok: false; message: string }> {
  const server = portkeyServer(dir);
  if (existsSync(server)) return { ok: true, server };
  const manifest = {
    name: "fallback-harness-portkey",
    private: true,
    dependencies: { "@portkey-ai/gateway": PORTKEY_VERSION },
    overrides: { "@hono/node-server": HONO_NODE_SERVER },
  };
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} (npm, pinned; once)…`);
  const result = await npmInstallPinned(dir, manifest);
  if (result.code !== 0 || !existsSync(server)) {
    return {
      ok: false,
      message: `could not install @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} (npm exit ${String(result.code)}): ${npmOutputTail(result)}. Set FH_PORTKEY_DIR to a directory holding an install.`,
    };
  }
  return { ok: true, server };
}
