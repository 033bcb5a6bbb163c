import type { EngineUnderTest } from "../../../src/index.ts";
import { loopbackOnlyNetwork } from "../process/engine-process.ts";
import { requestChain } from "../process/request-chain.ts";
import { OPENCODE_VERSION } from "./install-opencode.ts";
import { splitModelId } from "./opencode-config.ts";
import { startOpencodeServe } from "./opencode-launch.ts";
import { OPENCODE_CORE_CANNOT_EXPRESS } from "./opencode-policies.ts";
import { resultFromServeReply, sessionFollower } from "./opencode-reply.ts";
import { promptBody } from "./serve-client.ts";

/** How long streamed deltas may trail the prompt's reply on the event stream before the run settles. */
const DELTA_DRAIN_MS = 1_000;

/**
 * `--engine opencode` (SPEC §10.4): OpenCode core (`opencode-ai`, pinned), driven through `opencode serve`
 * started per scenario in a private workspace (`opencode-launch.ts`). Each request is a new session (created
 * with a title, so no title request is made) and one synchronous prompt on the chain's first model; text
 * deltas come from the `/event` stream; an OpenCode error on the answer rejects the run. OpenCode core has no
 * fallback chain, so the rest of the chain is never used (`cannotExpress`).
 */
const opencodeEngine: EngineUnderTest = {
  name: `opencode ${OPENCODE_VERSION} (serve)${loopbackOnlyNetwork() ? " (loopback-only netns)" : ""}`,
  cannotExpress: OPENCODE_CORE_CANNOT_EXPRESS,
  async create(ctx) {
    const serve = await startOpencodeServe(ctx);
    let requests = 0;
    return {
      async run(request) {
        const { primary } = requestChain(ctx.config, request);
        const sessionID = await serve.client.createSession(`fallback-harness request ${++requests}`);
        const follow = sessionFollower();
        let retries = 0;
        let streamed = "";
        const unfollow = serve.client.follow(sessionID, (event) => {
          const signal = follow(event);
          if (signal.kind === "retry") retries = Math.max(retries, signal.attempt);
          if (!request.stream) return;
          if (signal.kind === "delta") {
            streamed += signal.text;
            request.onDelta?.({ type: "text", text: signal.text, model: primary });
          } else if (signal.kind === "reset") {
            streamed = "";
            request.onDelta?.({ type: "reset", model: primary, reason: signal.reason });
          }
        });
        const onAbort = (): void => void serve.client.abort(sessionID).catch(() => undefined);
        request.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          const reply = await serve.client.prompt(
            sessionID,
            promptBody(request.prompt, splitModelId(primary)),
            request.signal,
          );
          const result = resultFromServeReply(reply, retries + 1);
          // The reply and the event stream are two connections: let the last deltas arrive first.
          const until = Date.now() + DELTA_DRAIN_MS;
          while (request.stream && streamed.length < result.text.length && Date.now() < until)
            await new Promise((resolve) => setTimeout(resolve, 20));
          return result;
        } finally {
          request.signal?.removeEventListener("abort", onAbort);
          unfollow();
        }
      },
      close: () => serve.stop(),
    };
  },
};

export default opencodeEngine;
