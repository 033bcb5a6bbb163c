import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../cli-test-io.ts";
import { scorecardCommand } from "./scorecard.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const library = join(here, "..", "..", "..", "scenarios", "failoverbench");
// Two scenarios without real-time waits: a server error the fallback absorbs, and a content-policy refusal
// the plain loop wrongly "recovers" from by asking the next model (a conformance FAIL with evidence).
const SCENARIOS = ["s03-server-error-once.yaml", "s13-content-policy.yaml"].map((f) => join(library, f));

interface Written {
  readonly code: number;
  readonly out: string;
  readonly root: string;
  readonly md: string;
  readonly html: string;
}

let written: Written;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), "fh-scorecard-"));
  const io = recordingIo({ CI: "true" }, here);
  const code = await scorecardCommand(
    {
      engines: ["reference", "plain-fetch-loop", "./no-such-engine.ts"],
      paths: SCENARIOS,
      reportDir: root,
      budgetS: 120,
    },
    io,
    { cores: 2, wallNow: () => Date.now() },
  );
  written = {
    code,
    out: io.out(),
    root,
    md: await readFile(join(root, "scorecard.md"), "utf8"),
    html: await readFile(join(root, "scorecard.html"), "utf8"),
  };
}, 300_000);

/** Every relative link of a Markdown or HTML file (anchors and absolute URLs left out). */
function links(text: string): string[] {
  const md = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
  const html = [...text.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? "");
  return [...md, ...html].filter((l) => l !== "" && !/^[a-z]+:/i.test(l)).map((l) => l.replace(/#.*$/, ""));
}

describe("npm run scorecard (in-process engines)", () => {
  it("writes scorecard.md, scorecard.html and the README, and exits 0", () => {
    expect(written.code, written.out).toBe(0);
    expect(existsSync(join(written.root, "README.md"))).toBe(true);
    expect(written.md).toContain("| `s03-server-error-once` |");
    expect(written.md).toContain("| `s13-content-policy` |");
    expect(written.md).toMatch(/- Date: \d{4}-\d\d-\d\dT/);
    expect(written.md).toMatch(/- Machine: \d+ cores, load /);
    expect(written.md).toMatch(/- Harness: fallback-harness .* @ /);
    expect(written.md).toContain("- Network: ");
    // Quiet under CI: one line per engine and the scorecard's path, no per-scenario progress.
    expect(written.out.trim().split("\n")).toHaveLength(4);
  });

  it("writes the README the repository keeps in reports/scorecard", async () => {
    const kept = join(here, "..", "..", "..", "reports", "scorecard", "README.md");
    expect(await readFile(join(written.root, "README.md"), "utf8")).toBe(await readFile(kept, "utf8"));
  });

  it("links only to files it wrote", () => {
    const all = [...links(written.md), ...links(written.html)];
    expect(all.length).toBeGreaterThan(4);
    expect(all.filter((l) => !existsSync(join(written.root, l)))).toEqual([]);
  });

  it("links a FAIL cell to its evidence: the failing checks, the fleet's log, the command to re-run it", async () => {
    const row = written.md.split("\n").find((l) => l.startsWith("| `s13-content-policy` |")) ?? "";
    const [, reference, plain] = row.split(" | ");
    expect(reference).toMatch(/^PASS/);
    const link = /\[\*\*FAIL \(conformance\)\*\*\]\(([^)]+)\)/.exec(plain ?? "")?.[1];
    expect(link).toBe("plain-fetch-loop/evidence/s13-content-policy/checks.md");
    const checks = await readFile(join(written.root, link ?? ""), "utf8");
    expect(checks).toContain("## Failed checks");
    expect(checks).toContain("--engine ");
    expect(checks).toContain("s13-content-policy.yaml");
    const fleet = await readFile(join(written.root, dirname(link ?? ""), "fleet.jsonl"), "utf8");
    expect(fleet.split("\n").filter((l) => l.includes('"model":"openai/gpt-4.1"')).length).toBeGreaterThan(0);
  });

  it("gives an engine that cannot be loaded a NOT RUN column with the reason, never a crash", () => {
    expect(written.md).toMatch(
      /\| `\.\/no-such-engine\.ts` \| – \| not run: Failed to load the engine module/,
    );
    const row = written.md.split("\n").find((l) => l.startsWith("| `s03-server-error-once` |")) ?? "";
    expect(row.split(" | ").at(-1)).toMatch(/^\*\*NOT RUN\*\*/);
  });
});

describe("npm run scorecard --keep", () => {
  /** A copy of the first scorecard's folder, then `--engine reference` run again into it. */
  async function again(keep: boolean, corrupt?: (root: string) => Promise<void>) {
    const root = await mkdtemp(join(tmpdir(), "fh-scorecard-keep-"));
    await cp(written.root, root, { recursive: true });
    await corrupt?.(root);
    const io = recordingIo({ CI: "true" }, here);
    const code = await scorecardCommand(
      { engines: ["reference"], paths: [SCENARIOS[0] ?? ""], reportDir: root, budgetS: 120, keep },
      io,
      { cores: 2, wallNow: () => Date.now() },
    );
    const md = code === 0 ? await readFile(join(root, "scorecard.md"), "utf8") : "";
    return { code, md, root, err: io.err() };
  }

  it("keeps the other engines' columns, their cells and their evidence, and says when each ran", async () => {
    const { code, md, root } = await again(true);
    expect(code).toBe(0);
    const header = md.split("\n").find((l) => l.startsWith("| scenario |")) ?? "";
    expect(header).toBe("| scenario | `reference` | `plain-fetch-loop` | `./no-such-engine.ts` |");
    const row = md.split("\n").find((l) => l.startsWith("| `s13-content-policy` |")) ?? "";
    const [, reference, plain] = row.split(" | ");
    // The reference ran s03 only this time; the kept plain loop still shows its s13 FAIL and its evidence.
    expect(reference).toMatch(/^\*\*SKIPPED\*\* · not in this engine's run/);
    expect(plain).toContain("(plain-fetch-loop/evidence/s13-content-policy/checks.md)");
    expect(existsSync(join(root, "plain-fetch-loop/evidence/s13-content-policy/checks.md"))).toBe(true);
    expect(md).toMatch(
      /\| `plain-fetch-loop` \|.*\| \d{4}-\d\d-\d\d \d\d:\d\d UTC · fallback-harness .* · load /,
    );
  });

  it("without --keep, writes only the engines it ran", async () => {
    const { code, md } = await again(false);
    expect(code).toBe(0);
    expect(md).toContain("| scenario | `reference` |\n");
  });

  it("refuses a kept column.json it cannot read, naming the file and the field", async () => {
    const { code, err } = await again(true, async (root) => {
      const file = join(root, "plain-fetch-loop", "column.json");
      const column = JSON.parse(await readFile(file, "utf8")) as { rows: { cell: { kind: string } }[] };
      const first = column.rows[0];
      if (first) first.cell.kind = "green";
      await writeFile(file, JSON.stringify(column));
    });
    expect(code).toBe(2);
    expect(err).toMatch(
      /plain-fetch-loop\/column\.json: not a scorecard column of this version: rows\.0\.cell\.kind: /,
    );
  });
});
