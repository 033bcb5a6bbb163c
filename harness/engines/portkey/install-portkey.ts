import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

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
  await mkdir(dir, { recursive: true });
  const manifest = {
    name: "fallback-harness-portkey",
    private: true,
    dependencies: { "@portkey-ai/gateway": PORTKEY_VERSION },
    overrides: { "@hono/node-server": HONO_NODE_SERVER },
  };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} (npm, pinned; once)…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.on("error", (error) => resolve({ code: null, output: error.message }));
    child.on("exit", (code) => resolve({ code, output }));
  });
  if (result.code !== 0 || !existsSync(server)) {
    return {
      ok: false,
      message: `could not install @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} (npm exit ${String(result.code)}): ${result.output.trim().split("\n").slice(-3).join(" ")}. Set FH_PORTKEY_DIR to a directory holding an install.`,
    };
  }
  return { ok: true, server };
}
