import { describe, expect, it } from "vitest";
import { buildScorecard, cellOf, type EngineColumn } from "./scorecard.ts";
import { scorecardHtml, scorecardMarkdown } from "./scorecard-render.ts";

const entry = (
  id: string,
  verdict: "pass" | "fail",
  tiers?: { safety: "pass" | "fail" | "partial"; conformance: "pass" | "fail" | "partial" },
  reasons: string[] = [],
) => ({ id, title: `title of ${id}`, verdict, reasons, ...(tiers ? { tiers } : {}) });

describe("scorecard cells", () => {
  it("rank a safety failure above a conformance one, and quote the reason of the failing tier", () => {
    const both = entry("x", "fail", { safety: "fail", conformance: "fail" }, [
      "[conformance] expected 2 attempts, got 1",
      "[safety] duplicated-success: text repeated",
    ]);
    expect(cellOf(both, 3)).toEqual({
      status: "FAIL (safety)",
      reason: "[safety] duplicated-success: text repeated",
      index: 3,
    });
    const conf = entry("x", "fail", { safety: "pass", conformance: "fail" }, ["[conformance] order"]);
    expect(cellOf(conf, 0).status).toBe("FAIL (conformance)");
  });

  it("say PARTIAL with the first check not made, and PASS only when both tiers pass", () => {
    const partial = {
      ...entry("x", "pass", { safety: "partial", conformance: "pass" }),
      not_checked: [{ id: "audit.schema", reason: "the engine writes no SPEC §8 audit" }],
    };
    expect(cellOf(partial, 0)).toEqual({
      status: "PARTIAL",
      reason: "the engine writes no SPEC §8 audit",
      index: 0,
    });
    expect(cellOf(entry("x", "pass", { safety: "pass", conformance: "pass" }), 0).status).toBe("PASS");
  });

  it("fall back to the verdict for a report without tiers", () => {
    expect(cellOf(entry("x", "fail", undefined, ["line one\nline two"]), 1)).toEqual({
      status: "FAIL",
      reason: "line one",
      index: 1,
    });
    expect(cellOf(entry("x", "pass"), 1).status).toBe("PASS");
  });
});

describe("the scorecard", () => {
  const columns: EngineColumn[] = [
    {
      given: "reference",
      dir: "reference",
      exitCode: 0,
      report: {
        engine: "reference",
        exit_code: 0,
        scenarios: [entry("a", "pass", { safety: "pass", conformance: "pass" })],
      },
    },
    {
      given: "./mine.ts",
      dir: "mine",
      exitCode: 1,
      report: {
        engine: "my <engine>",
        exit_code: 1,
        scenarios: [
          entry("b", "fail", { safety: "fail", conformance: "pass" }, ["[safety] a | pipe"]),
          entry("a", "pass", { safety: "pass", conformance: "pass" }),
        ],
      },
    },
    { given: "./broken.ts", dir: "broken", exitCode: 2, report: { error: "could not load" } },
  ];

  it("is scenario × engine, NOT RUN where an engine has no such scenario, exit code the worst", () => {
    const card = buildScorecard(columns);
    expect(card.scenarios.map((s) => s.id)).toEqual(["a", "b"]);
    expect(card.cells.map((row) => row.map((c) => c.status))).toEqual([
      ["PASS", "PASS", "NOT RUN"],
      ["NOT RUN", "FAIL (safety)", "NOT RUN"],
    ]);
    expect(card.cells[0]?.[1]?.index).toBe(1);
    expect(card.exitCode).toBe(2);
  });

  it("renders Markdown and self-contained HTML that link each cell to its engine's report", () => {
    const card = buildScorecard(columns);
    const md = scorecardMarkdown(card);
    expect(md).toContain(
      "| `b` | **NOT RUN** not in this run | [**FAIL (safety)**](mine/index.html#s0) [safety] a \\| pipe | **NOT RUN** could not load |",
    );
    expect(md).toContain(
      "| `my <engine>` (./mine.ts) | [mine/summary.md](mine/summary.md) | 1 | 1 PASS, 1 FAIL (safety) |",
    );
    const html = scorecardHtml(card);
    expect(html).toContain('<a class="status" href="mine/index.html#s1">PASS</a>');
    expect(html).toContain("my &lt;engine&gt;");
    expect(html).not.toContain("<script");
  });
});
