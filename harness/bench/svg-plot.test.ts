import { describe, expect, it } from "vitest";
import { renderLatencySvg } from "./svg-plot.ts";

/** Checks that every tag opens and closes in order: enough to tell a well-formed SVG from a broken one. */
function tagsBalance(svg: string): boolean {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing === "/") continue;
    if (closing === "/") {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

describe("renderLatencySvg", () => {
  const series = [
    { name: "reference", samples: [1.2, 1.4, 1.3, 2.5, 1.1] },
    { name: "ai-fallback", samples: [1.5, 1.6, 3.2] },
    { name: "naive-loop", samples: [1.0, 1.05] },
  ];

  it("renders a well-formed SVG document with the SVG namespace", () => {
    const svg = renderLatencySvg(series, "Failover latency");
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
  });

  it("draws exactly one series group with one curve per engine", () => {
    const svg = renderLatencySvg(series, "Failover latency");
    const groups = [...svg.matchAll(/<g class="series" data-series="([^"]+)">/g)].map((m) => m[1]);
    expect(groups).toEqual(["reference", "ai-fallback", "naive-loop"]);
    expect(svg.match(/<path /g)).toHaveLength(3);
  });

  it("escapes markup in titles and names", () => {
    const svg = renderLatencySvg([{ name: "a<b>&c", samples: [1] }], 'p50 < p99 & "tail"');
    expect(svg).not.toContain("a<b>");
    expect(svg).toContain("a&#60;b&#62;&#38;c");
    expect(tagsBalance(svg)).toBe(true);
  });

  it("lists an engine without samples in the legend instead of dropping it", () => {
    const svg = renderLatencySvg(
      [
        { name: "opossum", samples: [] },
        { name: "reference", samples: [2, 3] },
      ],
      "t",
    );
    expect(svg).toContain("opossum (no samples)");
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(tagsBalance(svg)).toBe(true);
  });

  it("keeps every coordinate finite when all samples are equal", () => {
    const svg = renderLatencySvg([{ name: "flat", samples: [5, 5, 5] }], "t");
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
