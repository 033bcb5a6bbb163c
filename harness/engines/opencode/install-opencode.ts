import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { npmInstallPinned, npmOutputTail } from "../process/npm-install.ts";

/** The pinned agent: `opencode-ai` from npm, judged as published. */
export const OPENCODE_VERSION = "1.18.33";

/** Where OpenCode is installed: `FH_OPENCODE_DIR`, else `~/.cache/fallback-harness/opencode-<version>/`. */
export function opencodeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FH_OPENCODE_DIR ?? join(homedir(), ".cache", "fallback-harness", `opencode-${OPENCODE_VERSION}`);
}

/**
 * The platform packages that may hold the binary, best first. `opencode-ai`'s postinstall picks one the
 * same way and copies it to `bin/opencode.exe`; the harness installs with `--ignore-scripts` (no package
 * code runs at install) and reads the platform package's binary directly instead.
 */
export function binaryPackages(platform: NodeJS.Platform, arch: string): string[] {
  const os = platform === "win32" ? "windows" : platform;
  const base = `opencode-${os}-${arch}`;
  if (os === "linux" && arch === "x64")
    return [base, `${base}-baseline`, `${base}-musl`, `${base}-baseline-musl`];
  if (arch === "x64") return [base, `${base}-baseline`];
  return os === "linux" ? [base, `${base}-musl`] : [base];
}

/** Whether a binary runs here and says it is the pinned version (a musl build does not run on glibc). */
function runsAsPinned(binary: string): boolean {
  const result = spawnSync(binary, ["--version"], {
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: "/usr/bin:/bin" },
  });
  return result.status === 0 && result.stdout.trim() === OPENCODE_VERSION;
}

/** Where `ensureOpencode` records the binary it verified, so an adapter need not run `--version` (~5 s). */
const VERIFIED = "fh-verified-binary.txt";

/** The binary `ensureOpencode` verified in `dir`, or null when it has not (run with --engine opencode). */
export function verifiedOpencodeBinary(dir: string): string | null {
  const record = join(dir, VERIFIED);
  if (!existsSync(record)) return null;
  const binary = readFileSync(record, "utf8").trim();
  return existsSync(binary) ? binary : null;
}

/** The OpenCode binary of an install directory that runs on this machine, or null. */
function opencodeBinary(dir: string): string | null {
  const name = process.platform === "win32" ? "opencode.exe" : "opencode";
  for (const pkg of binaryPackages(process.platform, process.arch)) {
    const binary = join(dir, "node_modules", pkg, "bin", name);
    const manifest = join(dir, "node_modules", pkg, "package.json");
    if (!existsSync(binary) || !existsSync(manifest)) continue;
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
    if (version === OPENCODE_VERSION && runsAsPinned(binary)) return binary;
  }
  return null;
}

/**
 * Installs the pinned `opencode-ai` into `dir` with npm (the registry only; no install scripts), unless a
 * runnable binary is already there. Returns the binary, or why it could not be installed.
 */
export async function ensureOpencode(
  dir: string,
  log: (line: string) => void,
): Promise<{ ok: true; binary: string } | { ok: false; message: string }> {
  const present = verifiedOpencodeBinary(dir) ?? opencodeBinary(dir);
  if (present !== null) {
    await writeFile(join(dir, VERIFIED), `${present}\n`);
    log(`OpenCode ${OPENCODE_VERSION}: ${present} (FH_OPENCODE_DIR overrides the directory)`);
    return { ok: true, binary: present };
  }
  const manifest = {
    name: "fallback-harness-opencode",
    private: true,
    dependencies: { "opencode-ai": OPENCODE_VERSION },
  };
  log(
    `installing opencode-ai@${OPENCODE_VERSION} into ${dir} (npm, pinned, ~350 MB; once; FH_OPENCODE_DIR overrides)…`,
  );
  const result = await npmInstallPinned(dir, manifest);
  const binary = opencodeBinary(dir);
  if (result.code !== 0 || binary === null) {
    return {
      ok: false,
      message: `could not install opencode-ai@${OPENCODE_VERSION} into ${dir} (npm exit ${String(result.code)}; no runnable binary among ${binaryPackages(process.platform, process.arch).join(", ")}): ${npmOutputTail(result)}. Set FH_OPENCODE_DIR to a directory holding an install.`,
    };
  }
  await writeFile(join(dir, VERIFIED), `${binary}\n`);
  log(`OpenCode ${OPENCODE_VERSION} installed: ${binary}`);
  return { ok: true, binary };
}
