import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigFile } from "../../../src/index.ts";
import { runSuite, type ScenarioOutcome } from "../../runner/run-suite.ts";
import { freeLoopbackPort } from "../process/engine-process.ts";
import { GATEWAY_ENGINE_MODULE } from "../process-engines.ts";
import { gatewayUrl } from "./gateway-engine.ts";
import { startReferenceGateway, type ReferenceGateway } from "./reference-gateway.ts";

// `--engine gateway:URL` end to end, on real time: the reference engine served as a tiny OpenAI-compatible
// gateway (the test's stand-in for a user's gateway), its upstreams the fleet's fixed port, driven through
// the gateway adapter in a scenario isolate. Judged only on result, stream and fleet.

const root = fileURLToPath(new URL("../../../", import.meta.url));
const scenario = (name: string): string => `${root}scenarios/failoverbench/${name}.yaml`;

let gateway: ReferenceGateway;
let fleetPort: number;

beforeAll(async () => {
  const config = await loadConfigFile(`${root}scenarios/configs/openai-then-anthropic.json`);
  if (!config.ok) throw new Error("the test config does not load");
  fleetPort = await freeLoopbackPort();
  gateway = await startReferenceGateway(config.config, fleetPort);
});
afterAll(() => gateway.close());

async function runThroughGateway(names: readonly string[]): Promise<ScenarioOutcome[]> {
  const suite = await runSuite({
    paths: names.map(scenario),
    cwd: root,
    engine: { kind: "isolated", module: GATEWAY_ENGINE_MODULE, name: null },
    clock: "real",
    engineEnv: { FH_GATEWAY_URL: gateway.baseURL },
    fleetPort,
    jobs: 1,
  });
  if (!suite.ok) throw new Error(suite.problems.join("\n"));
  return [...suite.outcomes];
}

describe("--engine gateway:URL", () => {
  it("drives failoverbench scenarios through a user's gateway on real time and judges them on the fleet", async () => {
    const [s03, s16] = await runThroughGateway(["s03-server-error-once", "s16-reported-model-is-fallback"]);
    for (const outcome of [s03, s16]) {
      expect(outcome?.run.engine).toBe("gateway");
      // Safety is judged on result, stream and fleet; the audit-based checks are NOT CHECKED (no audit).
      expect(outcome?.verdict.tiers).toEqual({ safety: "pass", conformance: "partial" });
      const request = outcome?.run.requests[0];
      // The gateway's answer, read back through the OpenAI shape: the fallback named as the server.
      expect({ outcome: request?.outcome, error: request?.error }).toEqual({
        outcome: "success",
        error: null,
      });
      expect(request?.model).toBe("anthropic/claude-sonnet-4-5");
      expect(request?.shown).toBe(request?.text);
      expect(outcome?.run.fleetCalls.at(-1)?.model).toBe("anthropic/claude-sonnet-4-5");
    }
    // s03 on the fleet: the injected 500 on the primary, then the fallback (ground truth, not the gateway's word).
    expect(s03?.run.fleetCalls.map((c) => `${c.model}:${c.status}`)).toEqual([
      "openai/gpt-4.1:500",
      "anthropic/claude-sonnet-4-5:200",
    ]);
    expect(gateway.served()).toBeGreaterThanOrEqual(2);
  });

  it("fails a scenario whose gateway is not there, with the gateway named", async () => {
    const port = await freeLoopbackPort();
    const suite = await runSuite({
      paths: [scenario("s03-server-error-once")],
      cwd: root,
      engine: { kind: "isolated", module: GATEWAY_ENGINE_MODULE, name: null },
      clock: "real",
      engineEnv: { FH_GATEWAY_URL: `http://127.0.0.1:${port}/v1` },
      fleetPort,
      jobs: 1,
    });
    if (!suite.ok) throw new Error(suite.problems.join("\n"));
    const outcome = suite.outcomes[0];
    expect(outcome?.verdict.verdict).toBe("fail");
    expect(outcome?.run.requests[0]?.outcome).toBe("error");
    expect(outcome?.run.fleetCalls).toHaveLength(0);
  });

  it("accepts only a gateway on 127.0.0.1", () => {
    expect(() => gatewayUrl("http://10.0.0.5:4000/v1")).toThrow(/must listen on http:\/\/127\.0\.0\.1/);
    expect(() => gatewayUrl("not a url")).toThrow(/is not a URL/);
    expect(gatewayUrl("http://127.0.0.1:4000/v1").port).toBe("4000");
  });
});
