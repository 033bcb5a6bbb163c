import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatScenarioProblems, parseScenarioText, type ScenarioProblem } from "./load-scenario.ts";
import { srcConfigReading } from "./scenario-config-reading.ts";
import { scenarioSchema } from "./schema.ts";
import { scenarioInputProblems } from "./validate-scenario.ts";

/** A valid scenario: two labelled traffic lines (3 requests), a two-model chain, one fault on the primary. */
const BASE = `id: validate-me
title: Validation
description: A scenario for the validation tests.
config:
  model: openai/gpt-4.1
  agent: { build: { models: [openai/gpt-4.1, anthropic/claude-sonnet-4-5] } }
traffic:
  - { label: burst, count: 2 }
  - { label: late, at: 5s, count: 1, model: google/gemini-2.5-pro }
faults:
  - target: openai/gpt-4.1
    fault: { kind: http_error, reason: server_error }
expect:
  requests:
    - { label: burst, served_by: anthropic/claude-sonnet-4-5 }
`;

async function problemsOf(text: string, file = "/scenarios/validate-me.yaml"): Promise<ScenarioProblem[]> {
  const loaded = parseScenarioText(text, file, scenarioSchema);
  if (!loaded.ok) throw new Error(formatScenarioProblems(loaded.problems));
  return scenarioInputProblems(loaded.value, file, srcConfigReading, loaded.locate);
}

describe("scenarioInputProblems", () => {
  it("finds nothing wrong with a scenario whose expectations name only what it has", async () => {
    expect(await problemsOf(BASE)).toEqual([]);
  });

  it("reports a served_by model the config does not use, located, with a did-you-mean and what was expected", async () => {
    const problems = await problemsOf(
      BASE.replace("served_by: anthropic/claude-sonnet-4-5", "served_by: anthropic/claude-sonet-4-5"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: "/scenarios/validate-me.yaml",
      line: 15,
      path: "expect.requests[0].served_by",
    });
    expect(problems[0]?.message).toMatch(
      /"anthropic\/claude-sonet-4-5" is not a model .*did you mean "anthropic\/claude-sonnet-4-5"\?/,
    );
    expect(problems[0]?.expected).toBe(
      "one of openai/gpt-4.1, anthropic/claude-sonnet-4-5, google/gemini-2.5-pro",
    );
  });

  it("reports a label no traffic line has, and an index past the last request", async () => {
    const text = `${BASE}    - { label: brust }\n    - { index: [1, 3] }\n`;
    const problems = await problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual(["expect.requests[1].label", "expect.requests[2].index[1]"]);
    expect(problems[0]?.message).toContain('did you mean "burst"?');
    expect(problems[1]?.message).toBe("request index 3 does not exist: the scenario sends 3 request(s)");
    expect(problems[1]?.expected).toBe("an index from 0 to 2");
  });

  it("reports an exhausted_reason no fallback_exhausted line can carry", async () => {
    const problems = await problemsOf(`${BASE}    - { index: 2, exhausted_reason: rate_limt }\n`);
    expect(problems.map((p) => p.path)).toEqual(["expect.requests[1].exhausted_reason"]);
    expect(problems[0]?.message).toContain('did you mean "rate_limit"?');
  });

  it("reports a label and index that exist but select no request together", async () => {
    const problems = await problemsOf(`${BASE}    - { label: late, index: 0 }\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("expect.requests[1]");
    expect(problems[0]?.message).toMatch(/selects no request: label "late" has the indexes 2/);
  });

  it.each([
    [
      "no_hammer",
      "  no_hammer: [{ model: openai/gpt4.1, max_attempts: 1, within: 1s }]",
      "expect.no_hammer[0].model",
    ],
    ["breaker", "  breaker: [{ model: openai/gpt-4.1o, at: 1s, state: open }]", "expect.breaker[0].model"],
    ["calls", "  calls: [{ model: azure/gpt-4.1, max: 0 }]", "expect.calls[0].model"],
    [
      "audit.present",
      "  audit: { present: [{ event: fallback_attempt, model: openai/gpt-5 }] }",
      "expect.audit.present[0].model",
    ],
    [
      "audit.absent",
      "  audit: { absent: [{ event: fallback_attempt, model: openai/gpt-5 }] }",
      "expect.audit.absent[0].model",
    ],
    [
      "return_to_primary",
      "  return_to_primary: { model: openai/gpt-4, recovered_at: 1s, within: 1s }",
      "expect.return_to_primary.model",
    ],
  ])(
    "reports a %s expectation on a model the scenario never calls (it would hold vacuously)",
    async (_kind, line, path) => {
      const problems = await problemsOf(`${BASE}${line}\n`);
      expect(problems.map((p) => p.path)).toEqual([path]);
      expect(problems[0]?.message).toMatch(
        /is not a model the scenario's config uses, so this expectation would hold vacuously/,
      );
    },
  );

  it("reports a fault target that names nothing the scenario calls, as the fault checker did", async () => {
    const problems = await problemsOf(BASE.replace("target: openai/gpt-4.1", "target: openai/gpt-4.2"));
    expect(formatScenarioProblems(problems)).toMatch(
      /^\/scenarios\/validate-me\.yaml:11:13 faults\[0\]\.target: "openai\/gpt-4\.2" is not a model or provider the scenario's config uses, so the fault would never fire; did you mean "openai\/gpt-4\.1"\?/,
    );
  });

  it("accepts a fault on a traffic model, on a provider the config uses, and on every call", async () => {
    for (const target of ["google/gemini-2.5-pro", "anthropic", '"*"']) {
      expect(await problemsOf(BASE.replace("target: openai/gpt-4.1", `target: ${target}`))).toEqual([]);
    }
    expect(
      (await problemsOf(BASE.replace("target: openai/gpt-4.1", "target: azure"))).map((p) => p.path),
    ).toEqual(["faults[0].target"]);
  });

  it("reports a traffic agent one typo away from an agent the config names", async () => {
    const problems = await problemsOf(
      BASE.replace("{ label: burst, count: 2 }", "{ label: burst, count: 2, agent: biuld }"),
    );
    expect(problems.map((p) => p.path)).toEqual(["traffic[0].agent"]);
    expect(problems[0]?.message).toContain('did you mean "build"?');
  });

  it("locates an invalid inline config in the scenario file, and still checks what needs no config", async () => {
    const problems = await problemsOf(
      `${BASE.replace("model: openai/gpt-4.1\n  agent", "model: openai/gpt-4.1\n  fallback: { max_retrys: 2 }\n  agent")}    - { index: 9 }\n`,
    );
    expect(problems.map((p) => p.path)).toEqual(["config.fallback.max_retrys", "expect.requests[1].index"]);
    expect(problems[0]).toMatchObject({ line: 6 });
    expect(problems[0]?.message).toMatch(
      /the config is invalid: unknown key "max_retrys"; did you mean "max_retries"\?/,
    );
  });

  it("points at the config file itself when the scenario's config is a path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fh-validate-"));
    await writeFile(
      join(dir, "opencode.json"),
      '{\n  "model": "openai/gpt-4.1",\n  "fallback": { "max_retries": -1 }\n}\n',
    );
    const file = join(dir, "s.yaml");
    const problems = await problemsOf(
      BASE.replace(/config:\n(?: {2}.*\n)+/, "config: opencode.json\n"),
      file,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: join(dir, "opencode.json"),
      line: 3,
      path: "fallback.max_retries",
    });
  });
});

describe("a requests[] rule's policy", () => {
  it("takes a policy name or an object of per-check policies", () => {
    for (const policy of ["breaker", "{ served_by: retries, max_elapsed: fallback }"]) {
      const text = BASE.replace(
        "served_by: anthropic/claude-sonnet-4-5 }",
        `served_by: anthropic/claude-sonnet-4-5, policy: ${policy} }`,
      );
      expect(parseScenarioText(text, "/s.yaml", scenarioSchema).ok, policy).toBe(true);
    }
  });

  it("rejects a check it does not know and a policy it does not know, located", () => {
    for (const [policy, wanted] of [
      ["{ served_by: retries, text: retries }", /expect\.requests\[0\]\.policy/],
      ["{ served_by: retry }", /expect\.requests\[0\]\.policy/],
    ] as const) {
      const text = BASE.replace(
        "served_by: anthropic/claude-sonnet-4-5 }",
        `served_by: anthropic/claude-sonnet-4-5, policy: ${policy} }`,
      );
      const loaded = parseScenarioText(text, "/s.yaml", scenarioSchema);
      expect(loaded.ok, policy).toBe(false);
      if (!loaded.ok) {
        const message = formatScenarioProblems(loaded.problems);
        expect(message).toMatch(wanted);
        expect(message).toContain("/s.yaml:15");
      }
    }
  });
});
