import { describe, expect, it } from "vitest";
import type { BenchReport, FailoverProfileRow } from "./bench-report.ts";
import { COST_CATEGORIES, type CostBreakdown, type CostCategory } from "./cpu-profile.ts";
import { renderProfiles } from "./render-profiles.ts";

const costs = (fields: Partial<Record<CostCategory, number>>): CostBreakdown =>
  ({ ...Object.fromEntries(COST_CATEGORIES.map((c) => [c, 0])), ...fields }) as CostBreakdown;

const row = (
  subject: FailoverProfileRow["subject"],
  fields: Partial<Record<CostCategory, number>>,
): FailoverProfileRow => ({
  transport: "inproc",
  case: "http-500",
  subject,
  requests: 100,
  costs: costs(fields),
});

describe("renderProfiles", () => {
  it("shows the reference's excess over the limit by owner, and every engine's CPU, columns that matter only", () => {
    const report = {
      failoverProfiles: [
        row("limit", { "AI SDK": 200, "mocked provider": 60, GC: 0.2 }),
        row("reference", { "AI SDK": 205, "mocked provider": 60, classification: 9, audit: 3, GC: 0.3 }),
        row("cockatiel", { "AI SDK": 400, "mocked provider": 61, "peer library": 4 }),
      ],
      profileFolder: "stamp.profiles",
    } as unknown as BenchReport;
    const text = renderProfiles(report).join("\n");
    // The mocked provider costs the reference nothing above the limit: no column there; GC's 0.1 µs is in the total.
    expect(text).toContain(
      "| transport | case | total | classification | audit | AI SDK |\n|---|---|---|---|---|---|",
    );
    expect(text).toContain("| inproc | http-500 | +17.1 | +9.0 | +3.0 | +5.0 |");
    expect(text).toContain(
      "| engine | requests profiled | p50 µs | classification | audit | AI SDK | peer library | mocked provider |",
    );
    expect(text).toContain("| cockatiel | 100 | 465 | 0.0 % | 0.0 % | 86.0 % | 0.9 % | 13.1 % |");
    expect(text).toContain("`stamp.profiles/`");
    // GC stays under half a microsecond above the limit and under half a percent of every engine: no column.
    expect(text).not.toMatch(/\| GC \|/);
  });

  it("writes nothing for a report without profiles", () => {
    expect(renderProfiles({} as BenchReport)).toEqual([]);
  });
});
