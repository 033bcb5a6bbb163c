import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareWorkspace, removeWorkspace } from "../opencode/opencode-workspace.ts";
import { configSeedExtras } from "./config-seed.ts";

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A seed install as `ensureOmo` leaves it: manifest, lock, and node_modules holding the plugin SDK. */
async function fakeSeed(): Promise<string> {
  const seed = await mkdtemp(join(tmpdir(), "fh-omo-seed-test-"));
  made.push(seed);
  await writeFile(join(seed, "package-lock.json"), '{"name":"opencode","lockfileVersion":3}\n');
  await mkdir(join(seed, "node_modules", "@opencode-ai", "plugin"), { recursive: true });
  await writeFile(
    join(seed, "node_modules", "@opencode-ai", "plugin", "package.json"),
    '{"name":"@opencode-ai/plugin","version":"1.18.33"}\n',
  );
  return seed;
}

describe("configSeedExtras", () => {
  it("names the plugin SDK at OpenCode's pinned version, the seed's lock, and links node_modules", () => {
    const extras = configSeedExtras("/seed", (path) => `lock of ${path}`);
    expect(JSON.parse(extras.configFiles["package.json"] ?? "")).toEqual({
      dependencies: { "@opencode-ai/plugin": "1.18.33" },
    });
    expect(extras.configFiles["package-lock.json"]).toBe("lock of /seed/package-lock.json");
    expect(extras.configLinks).toEqual({ node_modules: "/seed/node_modules" });
  });

  it("lays the seed out in a workspace's config dir, and removing the workspace leaves the seed", async () => {
    const seed = await fakeSeed();
    const workspace = await prepareWorkspace({ model: "openai/gpt-4.1" }, configSeedExtras(seed));
    made.push(workspace.root);
    const dir = workspace.configDir;
    expect(workspace.env.XDG_CONFIG_HOME && join(workspace.env.XDG_CONFIG_HOME, "opencode")).toBe(dir);
    expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toContain('"lockfileVersion":3');
    expect(await readlink(join(dir, "node_modules"))).toBe(join(seed, "node_modules"));
    const sdk = JSON.parse(
      readFileSync(join(dir, "node_modules", "@opencode-ai", "plugin", "package.json"), "utf8"),
    ) as { version: string };
    expect(sdk.version).toBe("1.18.33");
    await removeWorkspace(workspace);
    expect(existsSync(workspace.root)).toBe(false);
    expect(existsSync(join(seed, "node_modules", "@opencode-ai", "plugin", "package.json"))).toBe(true);
  });
});
