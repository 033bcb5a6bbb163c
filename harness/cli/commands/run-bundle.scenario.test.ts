import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundledRunMain } from "./run-bundle.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = `${root}bin/fallback-harness.js`;

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return files;
}

/** `bin/fallback-harness.js` with `argv`, its report in a fresh folder; timings and that folder masked. */
function cli(argv: readonly string[], env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "run-bundle-"));
  const result = spawnSync(process.execPath, [bin, ...argv, "--report-dir", dir], {
    cwd: root,
    env: { ...process.env, CI: "true", ...env },
    encoding: "utf8",
  });
  const mask = (text: string): string =>
    text.replaceAll(relative(root, dir), "REPORT").replace(/ in \d+(\.\d+)?s/g, " in Ns");
  return {
    status: result.status,
    stdout: mask(result.stdout),
    stderr: mask(result.stderr),
    report: tree(dir),
  };
}

describe("run from its bundle (run-bundle.mjs)", () => {
  it("builds, and gives the CLI's main", async () => {
    expect(typeof (await bundledRunMain())).toBe("function");
  }, 120_000);

  it("runs shipped scenarios from bin/fallback-harness.js with the same output and report bytes as through tsx", () => {
    // No paths: the shipped library is found from run.ts's own URL, and the isolates from the supervisor's.
    const argv = ["run", "--tag", "billing", "--tag", "auth-revoked"];
    const bundled = cli(argv, {});
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toMatch(/^2\/2 scenarios passed/m);
    expect(Object.keys(bundled.report)).toEqual(expect.arrayContaining(["report.json", "summary.md"]));
    expect(bundled).toEqual(cli(argv, { FH_CLI_BUNDLE: "0" }));
  }, 180_000);

  it("refuses unusable input with the same message and exit code as through tsx", () => {
    const argv = ["run", "no-such-folder"];
    const bundled = cli(argv, {});
    expect(bundled.status).toBe(2);
    expect(bundled.stderr).toMatch(/no-such-folder: no such file or folder/);
    expect(bundled).toEqual(cli(argv, { FH_CLI_BUNDLE: "0" }));
  }, 120_000);
});
