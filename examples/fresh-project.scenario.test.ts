import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// The package as a user gets it (README "Test your own engine"): `npm pack`, then a fresh `npm init -y`
// project (CommonJS, the npm default) installs the tarball and runs a CommonJS `.js` engine and a `.ts`
// engine, side by side in one folder, with `npx fallback-harness run … --engine`. Their types come from
// the package (`import type { EngineUnderTest } from "fallback-harness"`), checked by tsc.

const root = fileURLToPath(new URL("../", import.meta.url));
const tsc = join(root, "node_modules", ".bin", "tsc");
const SCENARIO = "node_modules/fallback-harness/scenarios/failoverbench/s03-server-error-once.yaml";

interface Ran {
  readonly code: number;
  readonly output: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, CI: "true" }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** An engine that asks the chain's first OpenAI model through ctx.fetch, in CommonJS with JSDoc types. */
const JS_ENGINE = `// @ts-check
/** @type {import("fallback-harness").EngineUnderTest} */
const engine = {
  name: "my-js-engine",
  create(ctx) {
    return {
      async run(request) {
        const { baseURL, apiKey } = ctx.endpoints["openai"] ?? { baseURL: "", apiKey: "" };
        const prompt = typeof request.prompt === "string" ? request.prompt : "";
        const response = await ctx.fetch(baseURL + "/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer " + apiKey },
          body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: prompt }] }),
        });
        if (!response.ok) throw new Error("openai answered " + response.status);
        const body = await response.json();
        return { model: "openai/gpt-4.1", text: body.choices[0].message.content, attempts: 1 };
      },
    };
  },
};
module.exports = engine;
`;

const TS_ENGINE = `import type { EngineUnderTest } from "fallback-harness";

const engine: EngineUnderTest = {
  name: "my-ts-engine",
  create: (ctx) => ({
    run: async () => {
      await ctx.fetch(\`\${ctx.endpoints["anthropic"]?.baseURL ?? ""}/messages\`, { method: "POST", body: "{}" });
      throw new Error("not implemented");
    },
  }),
};
export default engine;
`;

/** Returns the wrong shape: tsc must reject it, or the package's types are not really there. */
const BAD_ENGINE = `import type { EngineUnderTest } from "fallback-harness";
const engine: EngineUnderTest = { name: "bad", create: () => ({ run: async () => ({ model: "m", text: 1 }) }) };
export default engine;
`;

let project = "";
let packed: Ran;
let installed: Ran;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "fh-fresh-"));
  packed = await run("npm", ["pack", "--pack-destination", dir], root);
  const tarball = (await readdir(dir)).find((name) => name.endsWith(".tgz"));
  project = join(dir, "project");
  await mkdir(project);
  await run("npm", ["init", "-y"], project);
  // --prefer-offline: the packages come from the npm cache `npm ci` filled. Only what `npm ci` does not
  // cache is fetched from the registry it installed from: the packuments a range install resolves against
  // (`npm ci` follows the lock file's tarball URLs and never reads them), so on a fresh machine `--offline`
  // failed with ENOTCACHED. No provider is reached: the engines below call the harness's fleet.
  installed = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tarball ?? "missing.tgz")],
    project,
  );
  await writeFile(join(project, "my-engine.js"), JS_ENGINE);
  await writeFile(join(project, "my-engine.ts"), TS_ENGINE);
}, 900_000);

async function report(dir: string): Promise<{ engine: string; scenarios: { fleet: { calls: number } }[] }> {
  return JSON.parse(await readFile(join(project, dir, "report.json"), "utf8")) as {
    engine: string;
    scenarios: { fleet: { calls: number } }[];
  };
}

describe("a fresh CommonJS project with the packed package", () => {
  it("packs and installs", () => {
    expect(packed.code, packed.output).toBe(0);
    expect(installed.code, installed.output).toBe(0);
  });

  it("runs a CommonJS .js engine: the file named, loaded, calling the fleet", async () => {
    const ran = await run(
      "npx",
      ["fallback-harness", "run", SCENARIO, "--engine", "./my-engine.js", "--report-dir", "r-js"],
      project,
    );
    expect(ran.output).not.toMatch(/Failed to load|Cannot require/);
    expect([0, 1], ran.output).toContain(ran.code);
    const js = await report("r-js");
    // The .ts sibling must not be picked for a .js path (tsx maps .js to .ts for imports from TypeScript).
    expect(js.engine).toBe("my-js-engine");
    expect(js.scenarios[0]?.fleet.calls).toBeGreaterThan(0);
  }, 300_000);

  it("runs a .ts engine outside a type: module folder", async () => {
    const ran = await run(
      "npx",
      ["fallback-harness", "run", SCENARIO, "--engine", "./my-engine.ts", "--report-dir", "r-ts"],
      project,
    );
    expect(ran.output).not.toMatch(/Failed to load|Cannot require/);
    expect(ran.code, ran.output).toBe(1);
    const ts = await report("r-ts");
    expect(ts.engine).toBe("my-ts-engine");
    expect(ts.scenarios[0]?.fleet.calls).toBeGreaterThan(0);
  }, 300_000);

  it("gives the engine's types: both engines type-check, a wrong shape does not", async () => {
    const options = [
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--skipLibCheck",
      "--allowJs",
      "--checkJs",
    ];
    const good = await run(tsc, [...options, "my-engine.js", "my-engine.ts"], project);
    expect(good.code, good.output).toBe(0);
    await writeFile(join(project, "bad-engine.ts"), BAD_ENGINE);
    const bad = await run(tsc, [...options, "bad-engine.ts"], project);
    expect(bad.output).toMatch(/bad-engine\.ts.*TS2322/);
  }, 300_000);
});
