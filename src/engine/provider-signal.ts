import type { ModelId } from "../core/model-id.ts";
import type { ModelCallRequest, Prompt } from "./ports.ts";

/**
 * The AbortController behind the signal a request's provider calls get, made the first time something
 * needs it: a caller that reads `signal`, or an abort. A caller that never looks (an in-memory model) costs
 * no controller at all, and one that does costs one per request, not one per attempt: the controller is
 * kept across attempts until it has been aborted, since an aborted signal can never be handed out again.
 */
export class ProviderSignal {
  #controller: AbortController | undefined;

  /** Starts an attempt: a controller aborted by an earlier one is dropped. */
  renew(): void {
    if (this.#controller?.signal.aborted === true) this.#controller = undefined;
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#controller?.signal.aborted === true;
  }

  /** Aborts the current attempt's signal (made now if no one has read it yet, so a late reader sees it aborted). */
  abort(reason: unknown): void {
    this.#controller ??= new AbortController();
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }
}

/** The request one attempt hands its caller; `signal` is read through, so it is made only if read. */
export class AttemptRequest implements ModelCallRequest {
  readonly model: ModelId;
  readonly prompt: Prompt;
  readonly stream: boolean;
  readonly #source: ProviderSignal;

  constructor(model: ModelId, prompt: Prompt, stream: boolean, source: ProviderSignal) {
    this.model = model;
    this.prompt = prompt;
    this.stream = stream;
    this.#source = source;
  }

  get signal(): AbortSignal {
    return this.#source.signal;
  }
}
