import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../cli/cli-test-io.ts";
import { replayCommand } from "../cli/commands/replay.ts";
import { AuditLogBuilder } from "./replay-test-kit.ts";

/**
 * `fallback-harness replay` judges each wait by what the config allows (SPEC §4), not by how close it
 * lies to the replay's own draw: an incident whose engine waited 500 ms on a 1000 ms Retry-After cannot
 * be reproduced by the reference engine, which waits at least the Retry-After.
 */

const PRIMARY = "openai/gpt-4.1";
const BACKUP = "anthropic/claude-sonnet-4-5";
const THIRD = "google/gemini-2.5-pro";
const CHAIN = [PRIMARY, BACKUP, THIRD];
/** rate_limit retry 1 is 1000 ms ± 25 %, so a 1000 ms Retry-After makes the allowed wait 1000–1250 ms. */
const CONFIG = {
  model: PRIMARY,
  fallback: {
    chains: { default: CHAIN },
    promote_on_success: false,
    backoff: { rate_limit: { base_ms: 1_000 } },
  },
};

/**
 * Two requests served at once, then request #2: the primary's 500 and Claude's 500 fall back at once (so
 * no jitter moves the next call), Gemini's 429 with Retry-After 1000 ms is retried after `waitMs` (its
 * retry 1), then Gemini answers.
 */
function incident(waitMs: number): string {
  const log = new AuditLogBuilder();
  for (const id of ["r0", "r1"]) {
    log.request(id, CHAIN).attempt(id, PRIMARY).success(id).advance(10_000);
  }
  log.request("r2", CHAIN).attempt("r2", PRIMARY);
  log.failure("r2", "server_error", "fallback", { status: 500 }).attempt("r2", BACKUP);
  log.failure("r2", "server_error", "fallback", { status: 500 }).attempt("r2", THIRD);
  log.failure("r2", "rate_limit", "retry", { status: 429, retry_after_ms: 1_000, delay_ms: waitMs });
  log.advance(waitMs).attempt("r2", THIRD).success("r2", { fallback: true });
  return `${log.lines().join("\n")}\n`;
}

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fh-replay-waits-"));
  await writeFile(join(dir, "opencode.json"), JSON.stringify(CONFIG));
  await writeFile(join(dir, "short-wait.jsonl"), incident(500));
  await writeFile(join(dir, "kept-wait.jsonl"), incident(1_000));
});

async function replay(file: string) {
  const io = recordingIo({ CI: "true" }, dir);
  const code = await replayCommand(
    { file, config: "opencode.json", out: `${file}.yaml`, reportDir: `report-${file}` },
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe("fallback-harness replay judges waits by their bounds", () => {
  it("diverges (exit 1) on a 500 ms wait after a 1000 ms Retry-After, naming the request, attempt and bounds", async () => {
    const result = await replay("short-wait.jsonl");
    expect(result.err).toBe("");
    expect(result.out).toContain("DIVERGED: reference decided differently in 1 of 3 requests.");
    expect(result.out).toMatch(/First divergence: request #2 .*, step 7: wait/);
    expect(result.out).toContain(
      "request #2 attempt 3: waited 500 ms after a 429 with Retry-After 1000 ms; the config allows 1000–1250 ms",
    );
    expect(result.out).toContain("The incident's engine broke its config here");
    expect(result.code).toBe(1);
  });

  it("reproduces (exit 0) the same incident when its engine waited the 1000 ms it had to", async () => {
    const result = await replay("kept-wait.jsonl");
    expect(result.err).toBe("");
    expect(result.out).toContain("REPRODUCED: reference made the incident's decisions for all 3 requests");
    expect(result.out).toContain("every wait within what the config allows");
    expect(result.code).toBe(0);
  });
});
