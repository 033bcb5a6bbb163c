import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkWritableDir, checkWritableFile } from "./output-path.ts";

async function sandbox(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fh-out-"));
  await writeFile(join(dir, "a-file"), "x");
  await mkdir(join(dir, "a-dir"));
  return dir;
}

describe("checkWritableDir", () => {
  it("accepts an existing folder and a folder still to be created under one", async () => {
    const dir = await sandbox();
    expect(await checkWritableDir(join(dir, "a-dir"))).toBeNull();
    expect(await checkWritableDir(join(dir, "new", "deeper"))).toBeNull();
  });

  it("names the regular file that stands where a folder must go", async () => {
    const dir = await sandbox();
    expect(await checkWritableDir(join(dir, "a-file"))).toBe(
      `${join(dir, "a-file")} is a file, not a folder`,
    );
    expect(await checkWritableDir(join(dir, "a-file", "x", "y"))).toBe(
      `${join(dir, "a-file")} is a file, so ${join(dir, "a-file", "x", "y")} cannot be a folder under it`,
    );
  });
});

describe("checkWritableFile", () => {
  it("accepts a new file, and an existing one to overwrite", async () => {
    const dir = await sandbox();
    expect(await checkWritableFile(join(dir, "a-dir", "log.jsonl"))).toBeNull();
    expect(await checkWritableFile(join(dir, "a-file"))).toBeNull();
  });

  it("refuses a folder, and a file under a regular file", async () => {
    const dir = await sandbox();
    expect(await checkWritableFile(join(dir, "a-dir"))).toBe(`${join(dir, "a-dir")} is a folder, not a file`);
    expect(await checkWritableFile(join(dir, "a-file", "log.jsonl"))).toMatch(
      /a-file is a file, so .*log\.jsonl cannot be a file under it$/,
    );
  });
});
