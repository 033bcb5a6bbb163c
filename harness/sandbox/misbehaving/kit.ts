import type {
  EngineUnderTest,
  EngineUnderTestContext,
  EngineUnderTestInstance,
  EngineUnderTestRequest,
  EngineUnderTestResult,
} from "../../../src/index.ts";
import reference from "../../../src/node/reference-eut.ts";

/**
 * Where an engine goes wrong. Each hook receives the reference engine's own step (`next`), so everything
 * not named behaves correctly and the one misbehaviour is all the gate can blame.
 */
export interface Misbehaviour {
  readonly name: string;
  /** Replaces `create`; `next` creates the reference engine. What it returns is what the harness gets. */
  readonly create?: (ctx: EngineUnderTestContext, next: () => Promise<EngineUnderTestInstance>) => unknown;
  /** Replaces `run`; `next` serves the request with the reference engine. */
  readonly run?: (request: EngineUnderTestRequest, next: () => Promise<EngineUnderTestResult>) => unknown;
  /** Replaces `close`; `next` closes the reference engine. */
  readonly close?: (next: () => Promise<void>) => unknown;
}

/** The reference engine with one misbehaviour planted (harness/sandbox/misbehaving/engines/*.ts). */
export function misbehavingEngine(plan: Misbehaviour): EngineUnderTest {
  const engine = {
    name: plan.name,
    create(ctx: EngineUnderTestContext) {
      const createReference = async (): Promise<EngineUnderTestInstance> => {
        const inner = await reference.create(ctx);
        return {
          run: (request) =>
            plan.run
              ? (plan.run(request, () => inner.run(request)) as Promise<EngineUnderTestResult>)
              : inner.run(request),
          close: () =>
            plan.close
              ? (plan.close(() => inner.close?.() ?? Promise.resolve()) as Promise<void>)
              : (inner.close?.() ?? Promise.resolve()),
        };
      };
      return plan.create ? plan.create(ctx, createReference) : createReference();
    },
  };
  // The harness must survive any shape `create` resolves; the cast is the point of these engines.
  return engine as unknown as EngineUnderTest;
}

/** A promise that never settles and holds nothing open: what a forgotten `resolve` looks like. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
