import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/index.ts";
import { canonicalAnswerFor } from "./content.ts";
import type { FaultBindingInput } from "./faults.ts";
import { createFleet, type Fleet } from "./fleet.ts";
import { aiSdkClients, observe } from "./fleet-test-kit.ts";
import { markPrompt } from "./request-marker.ts";

/**
 * The fleet's evidence for black-box checks (SPEC §10.2–§10.3): each model answers its own canonical text,
 * and every log entry says which scenario request it served (read from the prompt's marker, whatever the
 * wire API) and which answer it wrote.
 */

let open: Fleet | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(
  faults: readonly FaultBindingInput[] = [],
  content: "canonical" | "faker" = "canonical",
) {
  open = await createFleet({ seed: 5, content, transport: "inproc", faults, clock: new ManualClock() });
  return open;
}

describe("the fleet's per-call evidence", () => {
  it("gives each model its own canonical answer, none a prefix of another", () => {
    const a = canonicalAnswerFor("openai/gpt-4");
    const b = canonicalAnswerFor("openai/gpt-4o");
    expect(a).not.toBe(b);
    expect(b.startsWith(a)).toBe(false);
    expect(canonicalAnswerFor("openai/gpt-4")).toBe(a);
  });

  for (const stream of [false, true]) {
    it(`reads the request marker and records the answer on every wire API (stream: ${stream})`, async () => {
      const fleet = await start();
      const clients = aiSdkClients(fleet);
      for (const [i, client] of clients.entries()) {
        const seen = await observe(client.model, stream, markPrompt("Say something.", 10 + i));
        expect(seen.text, client.name).toBe(canonicalAnswerFor(client.modelId));
      }
      expect(fleet.log.map((e) => [e.request, e.answer])).toEqual(
        clients.map((c, i) => [10 + i, canonicalAnswerFor(c.modelId)]),
      );
    });
  }

  it("records no answer for an error and still attributes the call", async () => {
    const fleet = await start([
      { target: "openai/gpt-4o", fault: { kind: "http_error", reason: "server_error" } },
    ]);
    const [client] = aiSdkClients(fleet);
    const seen = await observe(client!.model, false, markPrompt("Say something.", 3));
    expect(seen.text).toBeNull();
    expect(fleet.log[0]).toMatchObject({ request: 3, answer: null, status: 500 });
  });

  it("records the whole answer of a cut stream, whose outcome says it was cut", async () => {
    const fleet = await start([{ target: "openai/gpt-4o", fault: { kind: "stream_cut", after_chunks: 4 } }]);
    const [client] = aiSdkClients(fleet);
    const seen = await observe(client!.model, true, markPrompt("Say something.", 0));
    expect(fleet.log[0]).toMatchObject({ request: 0, answer: canonicalAnswerFor("openai/gpt-4o") });
    expect(fleet.log[0]?.outcome).not.toBe("ok");
    expect(canonicalAnswerFor("openai/gpt-4o").startsWith(seen.text ?? "")).toBe(true);
    expect(seen.text).not.toBe(canonicalAnswerFor("openai/gpt-4o"));
  });

  it("attributes nothing when the prompt carries no marker", async () => {
    const fleet = await start();
    const [client] = aiSdkClients(fleet);
    await observe(client!.model, false, "Say something.");
    expect(fleet.log[0]?.request).toBeNull();
  });

  it("records faker answers per call, as sent", async () => {
    const fleet = await start([], "faker");
    const [client] = aiSdkClients(fleet);
    const first = await observe(client!.model, false, markPrompt("Say something.", 0));
    const second = await observe(client!.model, false, markPrompt("Say something.", 1));
    expect(fleet.log.map((e) => e.answer)).toEqual([first.text, second.text]);
    expect(first.text).not.toBe(second.text);
  });
});
