import type { EngineConfig, EngineUnderTestContext } from "../../../src/index.ts";
import { isolateHooks } from "../process/isolate-hooks.ts";
import {
  freeLoopbackPort,
  startEngineProcess,
  waitForHttp,
  type EngineProcess,
} from "../process/engine-process.ts";
import { opencodeDir, verifiedOpencodeBinary } from "./install-opencode.ts";
import { opencodeConfig, splitModelId, type OpencodeConfig } from "./opencode-config.ts";
import {
  prepareWorkspace,
  removeWorkspace,
  type OpencodeWorkspace,
  type WorkspaceExtras,
} from "./opencode-workspace.ts";
import { serveClient, type ServeClient } from "./serve-client.ts";

/**
 * The reusable part of the OpenCode adapters (`--engine opencode`, `opencode:run`, and adapters that add a
 * plugin such as oh-my-opencode): a scenario's config translated, a private workspace, and `opencode serve`
 * started in it on a free 127.0.0.1 port.
 */
export interface OpencodeHooks extends WorkspaceExtras {
  /** `plugin` entries for `opencode.json` (e.g. `file:///…/node_modules/oh-my-opencode`). */
  readonly plugins?: readonly string[];
  /** Rewrites the translated config before it is written (add agents, plugin settings, …). */
  readonly configure?: (config: OpencodeConfig) => Readonly<Record<string, unknown>>;
}

/** Every model a scenario's requests may name, its default model first, each once. */
export function scenarioModels(config: EngineConfig): string[] {
  const models: string[] = [];
  const add = (id: string | undefined): void => {
    if (id !== undefined && !models.includes(id)) models.push(id);
  };
  add(config.model);
  for (const chain of Object.values(config.chains)) chain.forEach(add);
  for (const agent of Object.values(config.agent)) {
    add(agent.model);
    agent.models?.forEach(add);
  }
  return models;
}

/** The scenario's `opencode.json`, before an adapter's own changes. */
export function scenarioOpencodeConfig(
  ctx: EngineUnderTestContext,
  plugins?: readonly string[],
): OpencodeConfig {
  return opencodeConfig({
    models: scenarioModels(ctx.config),
    endpoints: ctx.endpoints,
    headerTimeoutMs: ctx.config.fallback.ttft_timeout_ms,
    chunkTimeoutMs: ctx.config.fallback.stall_timeout_ms,
    compaction: ctx.compact !== undefined,
    ...(plugins ? { plugins } : {}),
  });
}

/** The verified binary, or an error that says how to get one. */
export function requireOpencodeBinary(): string {
  const dir = opencodeDir();
  const binary = verifiedOpencodeBinary(dir);
  if (binary === null)
    throw new Error(
      `OpenCode is not installed in ${dir}: run with --engine opencode (it installs opencode-ai) or tsx harness/engines/opencode/install-cli.ts`,
    );
  return binary;
}

/** The scenario's workspace with its `opencode.json` written, and the binary to run in it. */
export async function prepareOpencode(
  ctx: EngineUnderTestContext,
  hooks: OpencodeHooks = {},
): Promise<{ binary: string; workspace: OpencodeWorkspace }> {
  const binary = requireOpencodeBinary();
  const base = scenarioOpencodeConfig(ctx, hooks.plugins);
  const config = hooks.configure ? hooks.configure(base) : base;
  const workspace = await prepareWorkspace(config, hooks);
  return { binary, workspace };
}

/** `opencode serve` running for one scenario: its API, and `stop` (the process group, then the workspace). */
export interface RunningServe {
  readonly baseURL: string;
  readonly client: ServeClient;
  readonly process: EngineProcess;
  readonly workspace: OpencodeWorkspace;
  stop(): Promise<void>;
}

/**
 * Time for `opencode serve` to answer: its start is 5–8 s on an idle machine and over 15 s on a busy one.
 * It stays under the isolate's 30 s create phase (`--phase-timeout` raises that).
 */
const SERVE_START_MS = 28_000;

/**
 * What a fresh `opencode serve` loads on its first prompt, asked for without a prompt: the tool registry
 * (per model: the tool set depends on it; the bulk: 3–4 s of an idle machine's 4.3 s from prompt to provider
 * call, measured with `--log-level DEBUG`: between "loop step=0" and "shell tool using shell"), agents,
 * providers, skills, commands and the project's services (path, VCS, file watcher, location). None of them
 * calls a provider. Then `warmUp` stores one `noReply` message (`warmUpMessage`) in a throwaway session.
 */
export function warmUpPaths(models: readonly string[]): string[] {
  const tools = models.map((id) => {
    const { providerID, modelID } = splitModelId(id);
    return `/experimental/tool?${new URLSearchParams({ provider: providerID, model: modelID }).toString()}`;
  });
  return [
    ...tools,
    "/agent",
    "/provider",
    "/config/providers",
    "/skill",
    "/command",
    "/path",
    "/vcs",
    "/file/status",
    "/api/location",
  ];
}

/**
 * The most the warm-up may add to `create`, and the time by which `create` must be done with it (inside the
 * isolate's 30 s create phase). Best effort: a slow or failed GET only leaves its cost to the first prompt.
 */
const WARM_UP_MS = 10_000;
const WARM_UP_DONE_BY_MS = 25_000;

async function warmUp(baseURL: string, models: readonly string[], budgetMs: number): Promise<void> {
  if (budgetMs <= 0) return;
  const signal = AbortSignal.timeout(Math.min(WARM_UP_MS, budgetMs));
  const call = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${baseURL}${path}`, { ...init, signal });
    const text = await response.text();
    return response.ok && text !== "" ? (JSON.parse(text) as unknown) : null;
  };
  try {
    for (const path of warmUpPaths(models)) await call(path);
    // A user message with `noReply` goes through the message pipeline (plugins' `chat.message` hooks, the
    // session's services) without a model call; its session is deleted after.
    const [first] = models;
    if (first === undefined) return;
    const session = await call("/session", jsonPost({ title: "fallback-harness warm-up" }));
    const id = (session as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return;
    await call(`/session/${id}/message`, jsonPost(warmUpMessage(first)));
    await call(`/session/${id}`, { method: "DELETE" });
  } catch {
    // Best effort: what it did not load, the first prompt loads.
  }
}

const jsonPost = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The warm-up's message: stored, never answered (`noReply`), so no provider is called. */
export function warmUpMessage(model: string): Readonly<Record<string, unknown>> {
  return { noReply: true, model: splitModelId(model), parts: [{ type: "text", text: "warm-up" }] };
}

export async function startOpencodeServe(
  ctx: EngineUnderTestContext,
  hooks: OpencodeHooks = {},
): Promise<RunningServe> {
  const started = Date.now();
  const { binary, workspace } = await prepareOpencode(ctx, hooks);
  const port = await freeLoopbackPort();
  isolateHooks()?.allowLoopbackPort(port, "opencode serve");
  const child = startEngineProcess(
    binary,
    ["serve", "--port", String(port), "--hostname", "127.0.0.1", "--print-logs", "--log-level", "WARN"],
    { cwd: workspace.project, env: workspace.env },
  );
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await child.stop();
    await removeWorkspace(workspace);
  };
  try {
    await waitForHttp(`${baseURL}/global/health`, SERVE_START_MS, child);
  } catch (error) {
    await stop();
    throw error;
  }
  const client = serveClient(baseURL);
  await client.ready;
  // In `create`, which the scenario's time does not count: request #0 no longer pays for it (D5).
  await warmUp(baseURL, scenarioModels(ctx.config), WARM_UP_DONE_BY_MS - (Date.now() - started));
  return {
    baseURL,
    client,
    process: child,
    workspace,
    stop: async () => {
      client.close();
      await stop();
    },
  };
}
