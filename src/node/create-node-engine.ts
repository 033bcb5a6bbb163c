import { homedir } from "node:os";
import type { AuditSink } from "../audit/sink.ts";
import type { EngineConfig } from "../config/settings.ts";
import { deriveRandom } from "../core/random.ts";
import { createEngine, type Engine, type EnginePorts } from "../engine/engine.ts";
import { createAiSdkCaller, type ProviderEndpoint } from "./ai-sdk-caller.ts";
import { defaultAuditPath } from "./audit-path.ts";
import { JsonlFileSink } from "./jsonl-file-sink.ts";
import { systemClock } from "./system-clock.ts";

/** Options of {@link createNodeEngine}. */
export interface NodeEngineOptions {
  /** Provider endpoints: base URL and key per provider name. */
  readonly endpoints: Readonly<Record<string, ProviderEndpoint>>;
  /** Seed of the jitter stream; defaults to a fixed seed so a process's behaviour is reproducible. */
  readonly seed?: number;
  readonly fetch?: typeof fetch;
  /** Overrides any port (clock, caller, compaction hook, audit sink). */
  readonly ports?: Partial<EnginePorts>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The engine wired for a real Node process: system clock, AI SDK caller, and the JSONL audit log that
 * `fallback.audit_log` names (`true` = the XDG default path).
 */
export function createNodeEngine(config: EngineConfig, options: NodeEngineOptions): Engine {
  const setting = config.fallback.audit_log;
  const audit: AuditSink | undefined =
    setting === false
      ? undefined
      : JsonlFileSink.open(
          setting === true ? defaultAuditPath(options.env ?? process.env, homedir()) : setting,
        );
  return createEngine(config, {
    clock: systemClock,
    random: deriveRandom(options.seed ?? 0x5eed, "jitter"),
    caller: createAiSdkCaller(
      options.fetch
        ? { endpoints: options.endpoints, fetch: options.fetch }
        : { endpoints: options.endpoints },
    ),
    ...(audit ? { audit } : {}),
    ...options.ports,
  });
}
