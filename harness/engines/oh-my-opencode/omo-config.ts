import type { EnginePolicy, FallbackSettings } from "../../../src/index.ts";

/**
 * A scenario's chains and settings as oh-my-opencode's `.omo/omo.jsonc` (pure). Facts of 4.19.4, read in its
 * published `dist/index.js`:
 * - The file's top level is strict (`agents.<n>` there take `models`, not `fallback_models`); the plugin's
 *   own settings, `runtime_fallback` and `agents.<n>.fallback_models` included, live in the `[opencode]`
 *   block (validated by `omo doctor`: "Invalid omo config … agents.build" otherwise, and the plugin then
 *   runs on its defaults, `runtime_fallback` off).
 * - On start it runs config migrations unless their ids are in `_migrations`; `2026-08-reasoning-unification`
 *   rewrites `fallback_models` into `models`, after which runtime_fallback finds no chain. All are marked done.
 * - runtime_fallback looks a session's chain up by agent name, and knows only its own agents' names
 *   (`OMO_AGENT_SLOTS`); a request is sent as one of them.
 */

/** The migration ids of 4.19.4 (`config-migration/discovery.ts`, `reasoning-unification.ts`). */
export const OMO_MIGRATIONS = [
  "2026-07-opencode-config-unification",
  "2026-07-codex-config-jsonc",
  "2026-08-reasoning-unification",
] as const;

/** The agent names runtime_fallback resolves a session's chain by (`runtime-fallback/agent-resolver.ts`). */
export const OMO_AGENT_SLOTS = [
  "build",
  "plan",
  "sisyphus",
  "oracle",
  "librarian",
  "explore",
  "prometheus",
  "atlas",
  "metis",
  "momus",
  "hephaestus",
  "sisyphus-junior",
  "multimodal-looker",
] as const;

/** The OpenCode agent a harness agent's requests are sent as: itself when runtime_fallback knows the name. */
export function agentSlot(agent: string): string {
  const name = agent.toLowerCase();
  return (OMO_AGENT_SLOTS as readonly string[]).includes(name) ? name : "build";
}

/**
 * Statuses that move to the next model (runtime_fallback's `retry_on_errors`): SPEC §3's `fallback` and
 * `retry` classes that carry a status. 400 is left out (context overflow, content policy, bad request end
 * the request, §3). runtime_fallback also falls back on its own classes whatever the status: a missing key,
 * model not found, quota exhausted.
 */
export const OMO_FALLBACK_STATUSES = [401, 402, 403, 404, 408, 429, 500, 502, 503, 504, 529] as const;

/** runtime_fallback's settings (`config/schema/runtime-fallback.ts`). */
export interface RuntimeFallbackConfig {
  readonly enabled: boolean;
  readonly retry_on_errors: readonly number[];
  /** Models tried after the first, per session (1–20). */
  readonly max_fallback_attempts: number;
  /** How long a model that failed is skipped, within one session. */
  readonly cooldown_seconds: number;
  /** How long a fallback's answer is awaited before the next model is tried (0: never). */
  readonly timeout_seconds: number;
  readonly notify_on_fallback: boolean;
  readonly restore_primary_after_cooldown: boolean;
}

export function runtimeFallbackConfig(
  settings: FallbackSettings,
  chainLength: number,
): RuntimeFallbackConfig {
  return {
    // `fallback.enabled: false` is one attempt on the primary: runtime_fallback off.
    enabled: settings.enabled && chainLength > 1,
    retry_on_errors: OMO_FALLBACK_STATUSES,
    max_fallback_attempts: Math.min(20, Math.max(1, chainLength - 1)),
    // The nearest thing to the breaker's cooldown; it only applies inside one session (one request).
    cooldown_seconds: Math.ceil(settings.circuit_breaker.cooldown_ms / 1000),
    // The nearest thing to SPEC's ttft_timeout_ms: no answer from the fallback by then, try the next.
    timeout_seconds: Math.ceil(settings.ttft_timeout_ms / 1000),
    // A TUI toast: there is no TUI.
    notify_on_fallback: false,
    restore_primary_after_cooldown: false,
  };
}

/** One OpenCode agent's chain: the model it starts on and the models runtime_fallback moves to, in order. */
export interface SlotChain {
  readonly slot: string;
  readonly chain: readonly string[];
}

/** The `.omo/omo.jsonc` document. */
export interface OmoDocument {
  readonly _migrations: readonly string[];
  readonly "[opencode]": {
    readonly telemetry: false;
    readonly auto_update: false;
    /** Remote MCP servers it would otherwise try to reach (context7, grep_app, websearch). */
    readonly disabled_mcps: readonly string[];
    readonly runtime_fallback: RuntimeFallbackConfig;
    readonly agents: Readonly<
      Record<string, { readonly model: string; readonly fallback_models: readonly string[] }>
    >;
  };
}

export function omoDocument(chains: readonly SlotChain[], settings: FallbackSettings): OmoDocument {
  const agents: Record<string, { model: string; fallback_models: string[] }> = {};
  let longest = 1;
  for (const { slot, chain } of chains) {
    const [model, ...rest] = chain;
    if (model === undefined) throw new Error(`the chain for OpenCode agent "${slot}" is empty`);
    if (agents[slot] !== undefined) continue; // first harness agent on a slot wins (README)
    agents[slot] = { model, fallback_models: rest };
    longest = Math.max(longest, chain.length);
  }
  return {
    _migrations: OMO_MIGRATIONS,
    "[opencode]": {
      telemetry: false,
      auto_update: false,
      disabled_mcps: ["context7", "grep_app", "websearch"],
      runtime_fallback: runtimeFallbackConfig(settings, longest),
      agents,
    },
  };
}

/** The file's text, with a line saying where it came from. */
export function omoJsonc(document: OmoDocument): string {
  return `// Written by fallback-harness (--engine opencode+omo) from the scenario's chain and settings.\n${JSON.stringify(document, null, 2)}\n`;
}

/**
 * What runtime_fallback cannot be configured to do (SPEC §10.3): those expectations are NOT CHECKED with
 * these reasons; safety checks still apply.
 */
export const OMO_CANNOT_EXPRESS: Readonly<Partial<Record<EnginePolicy, string>>> = {
  breaker:
    "oh-my-opencode's runtime_fallback has no circuit breaker: its cooldown_seconds only skips a model that failed earlier in the same session, and each request is its own session",
  retries:
    "same-model retries are OpenCode core's fixed policy (up to 5 retries, 2 s doubling to 30 s, Retry-After honoured uncapped); runtime_fallback has no retry count or backoff setting, it only cuts core's retries short when the retry message matches its patterns (rate limit, overloaded, 429/503/529, …)",
};
