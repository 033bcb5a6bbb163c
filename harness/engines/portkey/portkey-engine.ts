import { settingsFor, type EngineUnderTest } from "../../../src/index.ts";
import { configuredModel, sendChat } from "../openai-chat.ts";
import { isolateHooks } from "../process/isolate-hooks.ts";
import { requestChain } from "../process/request-chain.ts";
import {
  freeLoopbackPort,
  loopbackOnlyNetwork,
  startEngineProcess,
  waitForHttp,
} from "../process/engine-process.ts";
import { PORTKEY_VERSION, portkeyDir, portkeyServer } from "./install-portkey.ts";
import { existsSync } from "node:fs";
import { portkeyConfig } from "./portkey-config.ts";

/**
 * `--engine portkey` (SPEC §10.4): the Portkey gateway (`@portkey-ai/gateway`, pinned, installed by
 * `run` into `portkeyDir()`), started per scenario on a free 127.0.0.1 port and stopped in `close`. Each
 * request is an OpenAI chat completion with an `x-portkey-config` fallback strategy translated from the
 * scenario's chain (targets with `custom_host` on the fleet, same-target retries on SPEC §3's retry
 * statuses honouring Retry-After).
 * Evidence: result, stream, fleet. Its name says whether the run was in a loopback-only network namespace.
 */
/** The answering target's index: the header is `0`, `1`… or a path such as `config.targets[1]`. */
function targetIndex(response: Response): number | null {
  const value = response.headers.get("x-portkey-last-used-option-index");
  const match = value === null ? null : /(\d+)\]?$/.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]);
}

const portkeyEngine: EngineUnderTest = {
  name: `portkey ${PORTKEY_VERSION}${loopbackOnlyNetwork() ? " (loopback-only netns)" : ""}`,
  cannotExpress: {
    breaker: "Portkey has no circuit breaker",
    "stream-failover":
      "Portkey cannot move a request to another target once the upstream answered 200: it pipes the stream through",
  },
  async create(ctx) {
    const server = portkeyServer(portkeyDir());
    if (!existsSync(server)) {
      throw new Error(
        `the Portkey gateway is not installed at ${server}: run with --engine portkey (it installs it)`,
      );
    }
    const port = await freeLoopbackPort();
    isolateHooks()?.allowLoopbackPort(port, "the Portkey gateway");
    const gateway = startEngineProcess(process.execPath, [server, `--port=${port}`, "--headless"], {
      cwd: portkeyDir(),
      // Nothing of the harness's environment: no keys, no proxies.
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" },
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, gateway);
    } catch (error) {
      await gateway.stop();
      throw error;
    }
    const baseURL = `http://127.0.0.1:${port}/v1`;
    return {
      async run(request) {
        const { chain, primary } = requestChain(ctx.config, request);
        const settings = settingsFor(ctx.config, request.agent);
        const config = portkeyConfig(
          chain,
          ctx.endpoints,
          settings.max_retries,
          settings.ttft_timeout_ms,
          settings.actions,
        );
        return sendChat({
          baseURL,
          headers: { "x-portkey-config": JSON.stringify(config) },
          model: primary,
          request,
          // Portkey names the target that answered; its `model` field is the upstream's.
          servedBy: (response, reported) => {
            const index = targetIndex(response);
            const byIndex = index === null ? undefined : chain[index];
            return byIndex ?? configuredModel(reported ?? primary, chain);
          },
          attempts: (response) => {
            const retries = Number(response.headers.get("x-portkey-retry-attempt-count") ?? 0);
            return (targetIndex(response) ?? 0) + 1 + (Number.isFinite(retries) ? retries : 0);
          },
        });
      },
      close: () => gateway.stop(),
    };
  },
};

export default portkeyEngine;
