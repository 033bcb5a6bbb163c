import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../cli-test-io.ts";
import { main } from "../main.ts";

describe("fallback-harness serve", () => {
  it("serves the fleet on 127.0.0.1, answers a real HTTP request, and writes its request log on stop", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-serve-"));
    const io = recordingIo({}, dir);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const exit = main(["serve", "--seed", "3", "--log", "fleet.jsonl"], io, { untilStopped: () => stopped });
    await expect
      .poll(() => io.out(), { timeout: 10_000 })
      .toMatch(/openai\s+http:\/\/127\.0\.0\.1:\d+\/openai\/v1/);
    const baseURL = /openai\s+(http:\/\/127\.0\.0\.1:\d+\/openai\/v1)/.exec(io.out())?.[1] ?? "";
    const key = /openai\s+\S+\s+key (\S+)/.exec(io.out())?.[1] ?? "";
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    stop();
    expect(await exit).toBe(0);
    const log = (await readFile(join(dir, "fleet.jsonl"), "utf8")).trim().split("\n");
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0] ?? "{}")).toMatchObject({
      provider: "openai",
      model: "openai/gpt-4.1",
      status: 200,
      completed: true,
    });
  });

  it("exits 2 for a scenario file that does not load", async () => {
    const io = recordingIo({}, tmpdir());
    expect(
      await main(["serve", "--scenario", "no-such-file.yaml"], io, { untilStopped: () => Promise.resolve() }),
    ).toBe(2);
    expect(io.err()).toMatch(/no-such-file\.yaml:1:1: cannot read the file/);
  });
});
