import type { EngineUnderTest } from "../../../src/index.ts";
import { loopbackOnlyNetwork } from "../process/engine-process.ts";
import { requestChain } from "../process/request-chain.ts";
import { OPENCODE_VERSION } from "./install-opencode.ts";
import { prepareOpencode } from "./opencode-launch.ts";
import { OPENCODE_CORE_CANNOT_EXPRESS } from "./opencode-policies.ts";
import { OpencodeError, resultFromRunOutput } from "./opencode-reply.ts";
import { removeWorkspace } from "./opencode-workspace.ts";
import { runOnce } from "./run-process.ts";
import { conversationText } from "./serve-client.ts";

/**
 * `--engine opencode:run` (SPEC §10.4): OpenCode core driven one process per request, `opencode run
 * --format json -m <chain's first model>` in the scenario's private workspace. Its events carry whole text
 * parts (no deltas), so a streamed request sees each part as one delta; they name no model, so the model is
 * the one it was given; it has no system prompt option, so system messages are left out. A process start costs 5–8 s (more on a busy machine) per request.
 */
const opencodeRunEngine: EngineUnderTest = {
  name: `opencode ${OPENCODE_VERSION} (run)${loopbackOnlyNetwork() ? " (loopback-only netns)" : ""}`,
  cannotExpress: OPENCODE_CORE_CANNOT_EXPRESS,
  async create(ctx) {
    const { binary, workspace } = await prepareOpencode(ctx);
    let requests = 0;
    return {
      async run(request) {
        const { primary } = requestChain(ctx.config, request);
        const args = [
          "run",
          "--format",
          "json",
          "-m",
          primary,
          "--title",
          `fallback-harness request ${++requests}`,
        ];
        const done = await runOnce(binary, [...args, "--", conversationText(request.prompt)], {
          cwd: workspace.project,
          env: workspace.env,
          ...(request.signal ? { signal: request.signal } : {}),
          onLine: (line) => {
            if (!request.stream || !line.startsWith("{")) return;
            try {
              const event = JSON.parse(line) as { type?: unknown; part?: { text?: unknown } };
              const text = event.part?.text;
              if (event.type === "text" && typeof text === "string" && text !== "")
                request.onDelta?.({ type: "text", text, model: primary });
            } catch {
              // not an event line
            }
          },
        });
        if (request.signal?.aborted)
          throw new OpencodeError("the request was aborted", "MessageAbortedError", null);
        return resultFromRunOutput(done.stdout, primary, done.exitCode);
      },
      close: () => removeWorkspace(workspace),
    };
  },
};

export default opencodeRunEngine;
