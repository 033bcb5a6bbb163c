import type { Clock } from "../core/clock.ts";
import { abortReason } from "../core/clock.ts";
import type { ModelId } from "../core/model-id.ts";
import type { FinishReason, ModelCallPart, ModelCallRequest, ModelCaller, Prompt } from "./ports.ts";

/** One scripted answer of a model. */
export type ScriptStep =
  /** Text chunks, each after `delayMs`, then `finish` (default `stop`; `null` = the stream just ends). */
  | {
      readonly kind: "reply";
      readonly chunks: readonly string[];
      readonly delayMs?: number;
      readonly firstDelayMs?: number;
      readonly finish?: FinishReason | null;
    }
  /** Optional chunks, then the call throws `error`. */
  | {
      readonly kind: "throw";
      readonly error: unknown;
      readonly chunks?: readonly string[];
      readonly delayMs?: number;
    }
  /** Optional chunks, then an in-band error part. */
  | { readonly kind: "error-part"; readonly error: unknown; readonly chunks?: readonly string[] }
  /** Optional chunks, then nothing until the call is aborted. */
  | { readonly kind: "hang"; readonly chunks?: readonly string[] };

/** A call the scripted caller received. */
export interface ScriptedCall {
  readonly model: ModelId;
  readonly prompt: Prompt;
  readonly stream: boolean;
  readonly at: number;
}

/**
 * A model caller that plays per-model scripts on the injected clock; the last step of a script repeats.
 * It honours the port's contract (abort, parts order), which makes it the engine's unit-test double.
 */
export class ScriptedCaller implements ModelCaller {
  readonly calls: ScriptedCall[] = [];
  readonly #scripts = new Map<ModelId, { steps: readonly ScriptStep[]; next: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock, scripts: Readonly<Record<string, readonly ScriptStep[]>> = {}) {
    this.#clock = clock;
    for (const [model, steps] of Object.entries(scripts)) this.script(model as ModelId, steps);
  }

  /** Replaces a model's script. */
  script(model: ModelId, steps: readonly ScriptStep[]): this {
    this.#scripts.set(model, { steps, next: 0 });
    return this;
  }

  /** Calls made to one model. */
  callsTo(model: ModelId): ScriptedCall[] {
    return this.calls.filter((c) => c.model === model);
  }

  call(request: ModelCallRequest): AsyncIterable<ModelCallPart> {
    this.calls.push({
      model: request.model,
      prompt: request.prompt,
      stream: request.stream,
      at: this.#clock.now(),
    });
    const script = this.#scripts.get(request.model);
    const step: ScriptStep =
      script === undefined
        ? {
            kind: "throw",
            error: Object.assign(new Error(`No script for ${request.model}`), { name: "NoSuchModelError" }),
          }
        : (script.steps[Math.min(script.next++, script.steps.length - 1)] ?? { kind: "reply", chunks: [""] });
    return this.#play(step, request.signal);
  }

  async *#play(step: ScriptStep, signal: AbortSignal): AsyncGenerator<ModelCallPart> {
    const chunks = step.chunks ?? [];
    const delay = step.kind === "reply" || step.kind === "throw" ? (step.delayMs ?? 0) : 0;
    for (const [i, text] of chunks.entries()) {
      const wait =
        i === 0 && step.kind === "reply" && step.firstDelayMs !== undefined ? step.firstDelayMs : delay;
      if (wait > 0) await this.#clock.sleep(wait, signal);
      if (signal.aborted) throw abortReason(signal);
      yield { type: "text", text };
    }
    switch (step.kind) {
      case "reply":
        if (step.finish !== null) yield { type: "finish", finishReason: step.finish ?? "stop" };
        return;
      case "throw":
        throw step.error;
      case "error-part":
        yield { type: "error", error: step.error };
        return;
      case "hang":
        await new Promise<never>((_, reject) => {
          const abort = (): void => reject(abortReason(signal));
          if (signal.aborted) abort();
          signal.addEventListener("abort", abort, { once: true });
        });
        return;
      default: {
        const unreachable: never = step;
        return unreachable;
      }
    }
  }
}

/** Shorthand steps for tests and examples. */
export const step = {
  ok: (text = "Hello", delayMs = 0): ScriptStep => ({ kind: "reply", chunks: [text], delayMs }),
  stream: (chunks: readonly string[], delayMs = 0): ScriptStep => ({ kind: "reply", chunks, delayMs }),
  fail: (error: unknown, delayMs = 0): ScriptStep => ({ kind: "throw", error, delayMs }),
  cutAfter: (chunks: readonly string[], error: unknown): ScriptStep => ({ kind: "throw", error, chunks }),
  hang: (chunks: readonly string[] = []): ScriptStep => ({ kind: "hang", chunks }),
} as const;
