import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FLEET_API_KEYS } from "../fleet/fleet.ts";
import { recordingIo } from "./cli-test-io.ts";
import { main } from "./main.ts";
import { PLANTED_KEY } from "./test-engines/leaks-a-key.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

/** A scenario the reference engine passes: one request, served by the primary. */
function scenario(
  id: string,
  expect = "    - { index: 0, outcome: success, served_by: openai/gpt-4.1 }",
): string {
  return `id: ${id}
title: One request
description: One request through a two-model chain.
config:
  model: openai/gpt-4.1
  fallback: { chains: { default: [openai/gpt-4.1, anthropic/claude-sonnet-4-5] } }
traffic:
  - { count: 1, label: only }
expect:
  requests:
${expect}
`;
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fh-h3-"));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("run: scenario and input errors up front", () => {
  it("validates every file before running any: bad second and third files give exit 2, both listed, no report", async () => {
    const dir = await folder({
      "a-good.yaml": scenario("a-good"),
      "b-typo.yaml": scenario("b-typo", "    - { index: 0, served_by: openai/gpt-4.1o }"),
      "c-index.yaml": scenario("c-index", "    - { index: 4, outcome: success }\n    - { label: onyl }"),
    });
    const io = recordingIo({ CI: "true" }, dir);
    const reportDir = join(dir, "report");
    expect(await main(["run", dir, "--report-dir", reportDir], io)).toBe(2);
    expect(io.err()).toMatch(
      /b-typo\.yaml:11:\d+ expect\.requests\[0\]\.served_by: "openai\/gpt-4\.1o" is not a model .*did you mean "openai\/gpt-4\.1"\?/,
    );
    expect(io.err()).toMatch(
      /c-index\.yaml:11:\d+ expect\.requests\[0\]\.index: request index 4 does not exist: the scenario sends 1 request\(s\)/,
    );
    expect(io.err()).toMatch(
      /c-index\.yaml:12:\d+ expect\.requests\[1\]\.label: no traffic line has the label "onyl"; did you mean "only"\?/,
    );
    expect(io.err()).toMatch(/Nothing was run\.\n$/);
    expect(io.out()).toBe("");
    expect(await exists(reportDir)).toBe(false);
  });

  it("refuses a --report-dir under a regular file with exit 2 before running", async () => {
    const dir = await folder({ "a-good.yaml": scenario("a-good"), taken: "a file" });
    const io = recordingIo({ CI: "true" }, dir);
    expect(await main(["run", dir, "--report-dir", join(dir, "taken", "report")], io)).toBe(2);
    expect(io.err()).toContain(
      `fallback-harness run: cannot write the report there: ${join(dir, "taken")} is a file`,
    );
    expect(io.err()).toContain("Nothing was run.");
    expect(io.out()).toBe("");
  });

  it("refuses serve --log under a regular file with exit 2 before serving (the log would be lost on exit)", async () => {
    const dir = await folder({ taken: "a file" });
    const io = recordingIo({}, dir);
    let served = false;
    const code = await main(["serve", "--log", "taken/fleet.jsonl"], io, {
      untilStopped: () => {
        served = true;
        return Promise.resolve();
      },
    });
    expect(code).toBe(2);
    expect(served).toBe(false);
    expect(io.err()).toMatch(/fallback-harness serve: cannot write the request log there: .*taken is a file/);
  });

  it("refuses triage --out under a regular file with exit 2 before reading the log", async () => {
    const dir = await folder({ taken: "a file" });
    const io = recordingIo({}, dir);
    const log = join(root, "fixtures/audit/good/all-open-fail-fast.jsonl");
    expect(await main(["triage", log, "--out", "taken/triage"], io)).toBe(2);
    expect(io.err()).toMatch(/fallback-harness triage: cannot write the report there: .*taken is a file/);
  });

  it("refuses replay --out under a regular file with exit 2 before replaying", async () => {
    const dir = await folder({ taken: "a file" });
    await mkdir(join(dir, "reports"));
    const io = recordingIo({}, dir);
    const log = join(root, "fixtures/audit/good/all-open-fail-fast.jsonl");
    expect(await main(["replay", log, "--out", "taken/incident.yaml"], io)).toBe(2);
    expect(io.err()).toMatch(
      /fallback-harness replay: cannot write the replay's output there: .*taken is a file/,
    );
    expect(await exists(join(dir, "reports", "replay-incident-all-open-fail-fast"))).toBe(false);
  });
});

describe("run: no secrets out", () => {
  it("keeps a key planted in an engine's error out of stdout, stderr and every report file", async () => {
    const dir = await folder({ "a-good.yaml": scenario("a-good") });
    const io = recordingIo({ CI: "true" }, dir);
    const reportDir = join(dir, "report");
    const code = await main(
      ["run", dir, "--engine", join(here, "test-engines/leaks-a-key.ts"), "--report-dir", reportDir],
      io,
    );
    expect(code).toBe(1);
    const files = await allFiles(reportDir);
    expect(files.map((f) => f.slice(reportDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(["index.html", "junit.xml", "report.json", "summary.md"]),
    );
    const outputs: [string, string][] = [
      ["stdout", io.out()],
      ["stderr", io.err()],
      ...(await Promise.all(
        files.map(async (f): Promise<[string, string]> => [f, await readFile(f, "utf8")]),
      )),
    ];
    for (const [where, text] of outputs) {
      expect(text, where).not.toContain(PLANTED_KEY);
      expect(text, where).not.toContain(FLEET_API_KEYS.openai);
      expect(text, where).not.toContain("sk-proj-");
    }
    // Not vacuous: the engine's message did reach the output, with the keys replaced, on one line.
    expect(io.out()).toMatch(
      /expected success, got error \(Error: 401 Unauthorized: key \[redacted: a fleet API key\] rejected ⏎ Incorrect API key provided: \[redacted: an sk- API key\]/,
    );
    const report = await readFile(join(reportDir, "report.json"), "utf8");
    expect(report).toContain("[redacted: a fleet API key]");
    const audit = await readFile(join(reportDir, "scenarios/a-good/audit.jsonl"), "utf8");
    expect(audit).toContain("called with [redacted: an sk- API key]");
  });

  it("keeps a key quoted from a bad audit line out of triage's output and report files", async () => {
    const good = await readFile(join(root, "fixtures/audit/good/all-open-fail-fast.jsonl"), "utf8");
    const lines = good.split("\n").slice(0, 3);
    lines[1] = (lines[1] ?? "").replace(/"model":"[^"]*"/, `"model":"${PLANTED_KEY}"`);
    const dir = await folder({ "audit.jsonl": `${lines.join("\n")}\n` });
    const io = recordingIo({}, dir);
    expect(await main(["triage", join(dir, "audit.jsonl"), "--out", "triage"], io)).toBe(0);
    const texts = [
      io.out(),
      io.err(),
      ...(await Promise.all((await allFiles(join(dir, "triage"))).map((f) => readFile(f, "utf8")))),
    ];
    expect(texts).toHaveLength(4);
    for (const text of texts) expect(text).not.toContain(PLANTED_KEY);
    expect(io.err()).toContain('got "[redacted: an sk- API key]"');
  });
});
