import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineScenarioTests } from "./define-scenario-tests.ts";

// The helper as a user would call it from their own repository: a folder of scenarios, an engine module.
const dir = await mkdtemp(join(tmpdir(), "fh-user-"));
await writeFile(
  join(dir, "rate-limit.yaml"),
  `id: user-rate-limit-then-serve
title: A 429 with Retry-After 2s, then the primary serves
description: A rate-limited primary must be retried after the provider's Retry-After, not hammered.
config: { model: anthropic/claude-sonnet-4-5, fallback: { chains: { default: [anthropic/claude-sonnet-4-5, openai/gpt-4.1] } } }
traffic: [{ stream: true }]
faults:
  - { target: anthropic/claude-sonnet-4-5, fault: { kind: http_error, reason: rate_limit, retry_after: 2 }, when: { times: 1 } }
expect:
  requests: [{ served_by: anthropic/claude-sonnet-4-5, text: canonical, attempts: { min: 2, max: 2 } }]
  no_hammer: [{ model: anthropic/claude-sonnet-4-5, max_attempts: 1, within: 1900ms }]
`,
);
await defineScenarioTests({ scenarios: [dir], engine: "reference", cwd: dir });
