import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli-test-io.ts";
import { main } from "../main.ts";
import { bundledMain, bundleKey } from "./check-bundle.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bad = `${root}fixtures/audit/bad/`;
const bin = `${root}bin/fallback-harness.js`;

/** What one run of a `main` printed and returned. */
async function outcome(
  run: typeof main,
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo({}, root);
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Arguments of `check` that reach each exit code and each kind of output. */
const CASES: readonly (readonly string[])[] = [
  ["check", `${root}fixtures/audit/good/served-first-try.jsonl`],
  ["check", `${bad}action-mismatch.jsonl`],
  ["check", `${bad}line-not-json.jsonl`, "--json"],
  ["check", `${bad}chain-mismatch.jsonl`, "--config", `${root}fixtures/audit/configs/chains.json`],
  ["check", `${root}no-such-log.jsonl`],
  ["check", "--help"],
  ["check"],
];

describe("check from the CLI bundle (check-bundle.mjs)", () => {
  it("prints and exits exactly as the CLI run through tsx, for every kind of outcome", async () => {
    const bundled = await bundledMain();
    if (bundled === null) throw new Error("the CLI bundle could not be built");
    for (const argv of CASES) expect(await outcome(bundled, argv)).toEqual(await outcome(main, argv));
  }, 120_000);

  it("is what bin/fallback-harness.js runs for check, with the same result as without it", () => {
    const argv = ["check", `${bad}action-mismatch.jsonl`, "--json"];
    const run = (env: Record<string, string>): { status: number | null; stdout: string } => {
      const result = spawnSync(process.execPath, [bin, ...argv], {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      return { status: result.status, stdout: result.stdout };
    };
    const bundled = run({});
    expect(bundled.status).toBe(1);
    expect(bundled).toEqual(run({ FH_CLI_BUNDLE: "0" }));
  }, 120_000);

  it("keys the bundle by the content of its inputs, so an edited source is never run from an old bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "check-bundle-key-"));
    cpSync(`${bad}action-mismatch.jsonl`, join(dir, "a.ts"));
    writeFileSync(join(dir, "b.ts"), "export const b = 1;\n");
    const before = bundleKey(dir, ["a.ts", "b.ts"], "0.0.1");
    expect(bundleKey(dir, ["a.ts", "b.ts"], "0.0.1")).toBe(before);
    writeFileSync(join(dir, "b.ts"), "export const b = 2;\n");
    expect(bundleKey(dir, ["a.ts", "b.ts"], "0.0.1")).not.toBe(before);
    expect(bundleKey(dir, ["a.ts", "b.ts"], "0.0.2")).not.toBe(bundleKey(dir, ["a.ts", "b.ts"], "0.0.1"));
    expect(bundleKey(dir, ["a.ts", "gone.ts"], "0.0.1")).toBeNull();
  });
});
