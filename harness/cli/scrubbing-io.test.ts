import { describe, expect, it } from "vitest";
import { recordingIo } from "./cli-test-io.ts";
import { main } from "./main.ts";
import { scrubbingIo } from "./scrubbing-io.ts";

describe("scrubbingIo", () => {
  it("scrubs credentials from everything written to stdout and stderr, and passes the rest through", () => {
    const inner = recordingIo({ CI: "true" }, "/work");
    const io = scrubbingIo(inner);
    io.stdout.write("FAIL s1: got Bearer abcdefgh12345678\n");
    io.stderr.write("Failed to load the engine module: sk-ant-api03-abcdefghijklmnopqrstu\n");
    expect(inner.out()).toBe("FAIL s1: got [redacted: a bearer token]\n");
    expect(inner.err()).toBe("Failed to load the engine module: [redacted: an sk- API key]\n");
    expect(io.env).toEqual({ CI: "true" });
    expect(io.cwd).toBe("/work");
  });

  it("keeps the terminal flag the progress line depends on", () => {
    const inner = { ...recordingIo(), stdout: { write: () => true, isTTY: true } };
    expect(scrubbingIo(inner).stdout.isTTY).toBe(true);
  });

  it("is what `check` prints through: a file name holding a key is scrubbed from its message", async () => {
    const io = recordingIo();
    expect(await main(["check", "/no/such/dir/sk-proj-abcdefghijklmnopqrstuv.jsonl"], io)).toBe(2);
    expect(io.err()).toContain("[redacted: an sk- API key]");
    expect(io.err()).not.toContain("sk-proj-abcdefghijklmnopqrstuv");
  });
});
