import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { main } from "./main.ts";
import { recordingIo } from "./cli-test-io.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = `${root}bin/fallback-harness.js`;

describe("the fallback-harness CLI", () => {
  it("lists every command of SPEC §12 in --help and exits 0", async () => {
    const io = recordingIo();
    expect(await main(["--help"], io)).toBe(0);
    for (const command of ["run", "check", "replay", "triage", "serve", "bench", "validate"]) {
      expect(io.out()).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("exits 2 with a usage hint on an unknown command", async () => {
    const io = recordingIo();
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command 'frobnicate'/);
  });

  it("validates a good config and prints the effective settings", async () => {
    const io = recordingIo();
    expect(await main(["validate", `${root}fixtures/configs/valid/basic.json`], io)).toBe(0);
    const effective = JSON.parse(io.out()) as { fallback: { max_retries: number } };
    expect(effective.fallback.max_retries).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["syntax-error.json", /syntax-error\.json:\d+:\d+/],
    ["wrong-types.json", /expected/],
    ["unknown-key.json", /did you mean/],
    ["empty-chain.json", /at least one model/],
    ["bad-model-id.json", /provider\/model/],
    ["negative-duration.json", /-\d+/],
  ])("rejects %s with exit 2 and a message that points at the problem", async (file, pattern) => {
    const io = recordingIo();
    expect(await main(["validate", `${root}fixtures/configs/invalid/${file}`], io)).toBe(2);
    expect(io.err()).toMatch(pattern);
    expect(io.err()).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });

  it("runs from the bin shim in a real process, as `npx fallback-harness` does", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--help"], { cwd: root });
    expect(stdout).toContain("validate");
  });
});
