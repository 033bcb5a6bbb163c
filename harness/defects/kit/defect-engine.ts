import {
  createAiSdkCaller,
  createEngine,
  isModelId,
  JsonlFileSink,
  resolveChain,
  type AuditSink,
  type EngineConfig,
  type EngineResult,
  type EngineUnderTest,
  type FallbackSettings,
  type ModelCaller,
  type ModelId,
  type StreamDelta,
} from "../../../src/index.ts";

/** A caller's delta callback, as a wrapper sees it. */
export type DeltaHandler = (delta: StreamDelta) => void;

/**
 * How a buggy engine differs from the reference one. Each hook re-composes one public piece the way a real
 * integration gets it wrong; everything not named is the reference engine, wired as `reference-eut.ts` is.
 */
export interface DefectPlan {
  readonly name: string;
  /** The config the engine actually runs on (the harness still judges against the scenario's own config). */
  readonly config?: (config: EngineConfig) => EngineConfig;
  /** Wraps the model caller (the AI SDK over the fleet). */
  readonly caller?: (caller: ModelCaller) => ModelCaller;
  /** Wraps the audit destination. */
  readonly audit?: (sink: AuditSink) => AuditSink;
  /** Wraps the caller's `onDelta` before the engine sees it. */
  readonly onDelta?: (onDelta: DeltaHandler) => DeltaHandler;
  /** Rewrites what `run` resolves; `chainHead` is the head of the request's configured chain. */
  readonly result?: (result: EngineResult, chainHead: ModelId) => EngineResult;
}

/** A copy of `config` whose global `fallback` settings are `patch`ed (agent overrides still merge over it). */
export function skewSettings(
  config: EngineConfig,
  patch: (settings: FallbackSettings) => FallbackSettings,
): EngineConfig {
  return { ...config, fallback: patch(config.fallback) };
}

/** Builds an engine-under-test module from the reference engine and the plan's skews. */
export function defectEngine(plan: DefectPlan): EngineUnderTest {
  return {
    name: plan.name,
    create(ctx) {
      const base: AuditSink = "append" in ctx.audit ? ctx.audit : JsonlFileSink.open(ctx.audit.path);
      const caller = createAiSdkCaller({ endpoints: ctx.endpoints, fetch: ctx.fetch });
      const engine = createEngine(plan.config ? plan.config(ctx.config) : ctx.config, {
        clock: ctx.clock,
        random: { next: ctx.random },
        caller: plan.caller ? plan.caller(caller) : caller,
        audit: plan.audit ? plan.audit(base) : base,
        ...(ctx.compact ? { compact: ctx.compact } : {}),
      });
      return {
        async run(request) {
          const { model, onDelta, ...rest } = request;
          if (model !== undefined && !isModelId(model))
            throw new TypeError(
              `Failed to run the request: "${model}" is not a model id. Use provider/model.`,
            );
          const wrapped = onDelta && plan.onDelta ? plan.onDelta(onDelta) : onDelta;
          const result = await engine.run({
            ...rest,
            ...(model === undefined ? {} : { model }),
            ...(wrapped ? { onDelta: wrapped } : {}),
          });
          const resolved = resolveChain(
            ctx.config,
            model === undefined ? { agent: request.agent } : { agent: request.agent, model },
          );
          const final =
            plan.result && !("error" in resolved)
              ? plan.result(result, resolved.chain[0] ?? result.model)
              : result;
          return { model: final.model, text: final.text, attempts: final.attempts };
        },
        close: () => engine.close(),
      };
    },
  };
}
