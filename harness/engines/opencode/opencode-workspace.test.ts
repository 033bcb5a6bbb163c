import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { opencodeConfig } from "./opencode-config.ts";
import {
  OPENCODE_OFFLINE_ENV,
  opencodeEnv,
  prepareWorkspace,
  removeWorkspace,
} from "./opencode-workspace.ts";

const config = opencodeConfig({
  models: ["openai/gpt-4.1"],
  endpoints: { openai: { baseURL: "http://127.0.0.1:1/openai/v1", apiKey: "fleet-openai-key" } },
  headerTimeoutMs: 1_000,
  chunkTimeoutMs: 1_000,
  compaction: false,
});

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), "fh-opencode-test-"));
});
afterEach(() => rm(parent, { recursive: true, force: true }));

describe("opencodeEnv", () => {
  it("is built from nothing: no key, proxy or OpenCode setting of the harness's environment", () => {
    const secrets = {
      OPENAI_API_KEY: "sk-real",
      ANTHROPIC_API_KEY: "sk-ant-real",
      HTTPS_PROXY: "http://proxy:3128",
      OPENCODE_CONFIG: "/home/me/opencode.json",
    };
    Object.assign(process.env, secrets);
    try {
      const env = opencodeEnv({ root: "/r", home: "/r/home", xdg: "/r/xdg" }, "/usr/bin:/bin");
      for (const [name, value] of Object.entries(secrets)) {
        expect(env[name]).toBeUndefined();
        expect(Object.values(env)).not.toContain(value);
      }
      expect(env).toEqual({
        PATH: "/usr/bin:/bin",
        HOME: "/r/home",
        TMPDIR: "/r/tmp",
        XDG_CONFIG_HOME: "/r/xdg/config",
        XDG_DATA_HOME: "/r/xdg/data",
        XDG_CACHE_HOME: "/r/xdg/cache",
        XDG_STATE_HOME: "/r/xdg/state",
        ...OPENCODE_OFFLINE_ENV,
      });
    } finally {
      for (const name of Object.keys(secrets)) Reflect.deleteProperty(process.env, name);
    }
  });

  it("sets every OpenCode switch that reaches the internet to off", () => {
    expect(Object.keys(OPENCODE_OFFLINE_ENV).sort()).toEqual([
      "OPENCODE_DISABLE_AUTOUPDATE",
      "OPENCODE_DISABLE_CLAUDE_CODE",
      "OPENCODE_DISABLE_DEFAULT_PLUGINS",
      "OPENCODE_DISABLE_EXTERNAL_SKILLS",
      "OPENCODE_DISABLE_LSP_DOWNLOAD",
      "OPENCODE_DISABLE_MODELS_FETCH",
      "OPENCODE_DISABLE_SHARE",
    ]);
    expect(new Set(Object.values(OPENCODE_OFFLINE_ENV))).toEqual(new Set(["1"]));
  });
});

describe("prepareWorkspace", () => {
  it("puts HOME, the XDG dirs and the project under one fresh dir, with opencode.json in the project", async () => {
    const workspace = await prepareWorkspace(config, {}, parent);
    for (const dir of [workspace.home, workspace.project, workspace.configDir]) {
      expect(relative(workspace.root, dir).startsWith("..")).toBe(false);
      expect(existsSync(dir)).toBe(true);
    }
    for (const name of [
      "HOME",
      "XDG_CONFIG_HOME",
      "XDG_DATA_HOME",
      "XDG_CACHE_HOME",
      "XDG_STATE_HOME",
      "TMPDIR",
    ])
      expect(workspace.env[name]?.startsWith(workspace.root)).toBe(true);
    expect(JSON.parse(readFileSync(join(workspace.project, "opencode.json"), "utf8"))).toEqual(config);
    const other = await prepareWorkspace(config, {}, parent);
    expect(other.root).not.toBe(workspace.root);
    await removeWorkspace(workspace);
    expect(existsSync(workspace.root)).toBe(false);
  });

  it("writes an adapter's extra project and config files, and refuses a path outside its dir", async () => {
    const workspace = await prepareWorkspace(
      config,
      {
        projectFiles: { ".omo/omo.jsonc": "{}" },
        configFiles: { "package.json": '{"name":"x"}' },
        env: { OMO_DISABLE_POSTHOG: "1" },
      },
      parent,
    );
    expect(readFileSync(join(workspace.project, ".omo", "omo.jsonc"), "utf8")).toBe("{}");
    expect(readFileSync(join(workspace.configDir, "package.json"), "utf8")).toBe('{"name":"x"}');
    expect(workspace.env.OMO_DISABLE_POSTHOG).toBe("1");
    await expect(
      prepareWorkspace(config, { projectFiles: { "../escape.txt": "x" } }, parent),
    ).rejects.toThrow('the workspace file "../escape.txt" is not a path inside');
  });
});
