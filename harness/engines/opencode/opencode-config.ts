/**
 * A scenario's models as OpenCode's `opencode.json` (its config file), every provider pointed at the fleet.
 * OpenCode core has one model per prompt and no fallback chain of its own, so what is translated is where
 * each model lives, the stream timeouts, and what must stay off (updates, sharing, tools, compaction).
 */
export interface OpencodeEndpoint {
  readonly baseURL: string;
  readonly apiKey: string;
}

/** What the translation needs from a scenario: its models and the timeouts OpenCode has settings for. */
export interface OpencodeConfigInput {
  /** Every model id (`provider/model`) a request may name, chains first; the first is the default model. */
  readonly models: readonly string[];
  readonly endpoints: Readonly<Record<string, OpencodeEndpoint>>;
  /** SPEC `ttft_timeout_ms`, as OpenCode's `headerTimeout` (the nearest setting: no headers, no token). */
  readonly headerTimeoutMs: number;
  /** SPEC `stall_timeout_ms`, as OpenCode's `chunkTimeout` (the longest silence between stream chunks). */
  readonly chunkTimeoutMs: number;
  /** Whether OpenCode may compact a session on a context overflow (only when the scenario has a hook). */
  readonly compaction: boolean;
  /** `plugin` entries (oh-my-opencode and the like), added by an adapter built on this one. */
  readonly plugins?: readonly string[];
}

export interface OpencodeProviderConfig {
  readonly npm?: string;
  readonly name: string;
  readonly options: {
    readonly baseURL: string;
    readonly apiKey: string;
    readonly headerTimeout: number;
    readonly chunkTimeout: number;
  };
  readonly models: Readonly<Record<string, { readonly name: string; readonly status: "active" }>>;
}

export interface OpencodeConfig {
  readonly $schema: string;
  readonly autoupdate: false;
  readonly share: "disabled";
  readonly snapshot: false;
  readonly lsp: false;
  readonly formatter: false;
  readonly model: string;
  readonly small_model: string;
  readonly enabled_providers: readonly string[];
  readonly provider: Readonly<Record<string, OpencodeProviderConfig>>;
  readonly tools: Readonly<Record<string, boolean>>;
  readonly compaction: { readonly auto: boolean };
  readonly plugin?: readonly string[];
}

/**
 * Providers OpenCode has a built-in SDK for that speaks the fleet's wire for them; every other fleet provider
 * (openai, openrouter, azure) speaks OpenAI chat completions through the bundled `@ai-sdk/openai-compatible`.
 */
const BUILT_IN = new Set(["anthropic", "google"]);

/** Splits `provider/model` at the first slash (OpenRouter's model names hold slashes themselves). */
export function splitModelId(id: string): { providerID: string; modelID: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1)
    throw new Error(`"${id}" is not a model id. Use provider/model.`);
  return { providerID: id.slice(0, slash), modelID: id.slice(slash + 1) };
}

export function opencodeConfig(input: OpencodeConfigInput): OpencodeConfig {
  const primary = input.models[0];
  if (primary === undefined) throw new Error("the scenario names no model for OpenCode to use");
  const byProvider = new Map<string, string[]>();
  for (const id of input.models) {
    const { providerID, modelID } = splitModelId(id);
    const models = byProvider.get(providerID) ?? [];
    if (!models.includes(modelID)) models.push(modelID);
    byProvider.set(providerID, models);
  }
  const provider: Record<string, OpencodeProviderConfig> = {};
  for (const [providerID, models] of byProvider) {
    const endpoint = input.endpoints[providerID];
    if (endpoint === undefined)
      throw new Error(`the fleet has no endpoint for ${providerID} (models ${models.join(", ")})`);
    provider[providerID] = {
      ...(BUILT_IN.has(providerID) ? {} : { npm: "@ai-sdk/openai-compatible" }),
      name: `fleet ${providerID}`,
      options: {
        baseURL: endpoint.baseURL,
        apiKey: endpoint.apiKey,
        headerTimeout: input.headerTimeoutMs,
        chunkTimeout: input.chunkTimeoutMs,
      },
      // `active`: OpenCode hides models its bundled models.dev marks deprecated (azure/gpt-4o is) and then
      // fails the prompt with ProviderModelNotFoundError before any call; the fleet serves them all.
      models: Object.fromEntries(models.map((m) => [m, { name: m, status: "active" as const }])),
    };
  }
  return {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    // No git snapshots of the (empty) project, no language servers or formatters: nothing but the prompt.
    snapshot: false,
    lsp: false,
    formatter: false,
    model: primary,
    // Never asked: every session is created with a title, so OpenCode sends no title request (checked on
    // 1.18.33: the fleet records only the prompts). Were one sent, it would be a call on the primary.
    small_model: primary,
    // Only the fleet's providers: nothing else is offered to a request, or looked up.
    enabled_providers: [...byProvider.keys()],
    provider,
    // The fleet answers text, never a tool call; without tools the prompt is ~2 k tokens instead of ~9 k.
    tools: { "*": false },
    compaction: { auto: input.compaction },
    ...(input.plugins !== undefined && input.plugins.length > 0 ? { plugin: input.plugins } : {}),
  };
}
