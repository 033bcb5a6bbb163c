import type { EngineUnderTest } from "../../../src/index.ts";
import { modelsOfConfig } from "../../scenario/scenario-config-reading.ts";
import { configuredModel, sendChat } from "../openai-chat.ts";
import { isolateHooks } from "../process/isolate-hooks.ts";
import { requestChain } from "../process/request-chain.ts";

/**
 * `--engine gateway:URL` (SPEC §10.4): any OpenAI-compatible gateway the user started, its fallback chain
 * in its own config, its upstreams pointed at the fleet's fixed URLs (`run --fleet-port P` serves each
 * scenario's fleet at `http://127.0.0.1:P/<provider>/…`, the URLs `serve --port P` prints). The harness only
 * sends the scenario's traffic as chat completions and judges on `result`, `stream` and `fleet`.
 *
 * Settings by environment (so the module is copyable as is): `FH_GATEWAY_URL`, the gateway's OpenAI base URL
 * (`http://127.0.0.1:4000/v1`), on 127.0.0.1 (the fleet is only on loopback); `FH_GATEWAY_KEY`, an optional
 * bearer key for the gateway itself.
 */
export function gatewayUrl(raw: string | undefined): URL {
  if (raw === undefined || raw === "") {
    throw new Error(
      "FH_GATEWAY_URL is not set: give the gateway as --engine gateway:http://127.0.0.1:PORT/v1",
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL: give the gateway as --engine gateway:http://127.0.0.1:PORT/v1`);
  }
  if (url.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(
      `the gateway must listen on http://127.0.0.1 (got ${raw}): the fleet is on loopback, and an engine reaches no other address`,
    );
  }
  return url;
}

const gatewayEngine: EngineUnderTest = {
  name: "gateway",
  create(ctx) {
    const url = gatewayUrl(process.env.FH_GATEWAY_URL);
    const port = Number(url.port || 80);
    isolateHooks()?.allowLoopbackPort(port, `the gateway ${url.href}`);
    const key = process.env.FH_GATEWAY_KEY;
    const configured = modelsOfConfig(ctx.config);
    const baseURL = url.href.replace(/\/$/, "");
    return {
      async run(request) {
        const { primary } = requestChain(ctx.config, request);
        return sendChat({
          baseURL,
          headers: key ? { authorization: `Bearer ${key}` } : {},
          // The chain's primary, as `provider/model`: the gateway's config maps it to its own route.
          model: primary,
          request,
          servedBy: (_response, reported) => configuredModel(reported ?? primary, configured),
          // A gateway says nothing about its attempts in the OpenAI shape; LiteLLM's headers, when present.
          attempts: (response) =>
            1 +
            Number(response.headers.get("x-litellm-attempted-retries") ?? 0) +
            Number(response.headers.get("x-litellm-attempted-fallbacks") ?? 0),
        });
      },
    };
  },
};

export default gatewayEngine;
