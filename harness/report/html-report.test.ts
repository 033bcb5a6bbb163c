import { describe, expect, it } from "vitest";
import {
  breakerRecoversOutcome,
  burstOutcome,
  dayOutcome,
  HOSTILE_MODEL,
  hostileOutcome,
  reportOf,
} from "./html/fake-runs.ts";
import { formatDuration, timeScale } from "./html/time-axis.ts";
import { timelineModel } from "./html/timeline-model.ts";
import { htmlReport } from "./html-report.ts";

function render(outcomes = [breakerRecoversOutcome(), hostileOutcome()]): string {
  const { file, content } = htmlReport(reportOf(outcomes), outcomes);
  expect(file).toBe("index.html");
  return content;
}

/** The HTML of one scenario's section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`data-scenario="${id}"`);
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf("</details>", start);
  return html.slice(start, end);
}

const count = (html: string, needle: string): number => html.split(needle).length - 1;

describe("htmlReport", () => {
  it("draws one attempt mark per fallback_attempt line and one breaker band per state interval per model", () => {
    const known = section(render(), "s07-breaker-recovers");
    expect(count(known, 'data-testid="attempt-mark"')).toBe(4);
    // primary: closed, open, half_open, closed; secondary: closed
    expect(count(known, 'data-testid="breaker-band"')).toBe(5);
    expect(count(known, 'data-state="open"')).toBe(1);
    expect(count(known, 'data-state="half_open"')).toBe(1);
    expect(count(known, 'data-outcome="failure"')).toBe(2);
    expect(count(known, 'data-outcome="success"')).toBe(2);
    expect(count(known, "<title>retry wait 1.5 s (delay_ms 1500)</title>")).toBe(1);
  });

  it("escapes model ids, titles, request ids and messages that come from the engine", () => {
    const html = render();
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(HOSTILE_MODEL);
    expect(html).toContain("evil/&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;");
    expect(html).toContain("r&lt;1&gt;");
    expect(html).toContain("reference &lt;engine&gt;");
  });

  it("references nothing outside the file: no external src or href, no script", () => {
    const html = render();
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\((?!#)/i); // url(#id) is the SVG's own pattern
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
  });

  it("lists failing scenarios first and open, passing ones after and closed", () => {
    const html = render();
    expect(html.indexOf('data-scenario="s99-hostile"')).toBeLessThan(
      html.indexOf('data-scenario="s07-breaker-recovers"'),
    );
    expect(html).toMatch(/<details class="scenario fail" id="s1" data-scenario="s99-hostile" open>/);
    expect(html).toMatch(/<details class="scenario pass" id="s0" data-scenario="s07-breaker-recovers">/);
  });

  it("links the violating attempt mark to its violation, which shows the line number and context", () => {
    const hostile = section(render(), "s99-hostile");
    expect(hostile).toContain('<li id="s1-v0" class="violation">');
    expect(hostile).toMatch(/<a href="#s1-v0" class="flag-link"><rect id="s1-m2" data-testid="attempt-mark"/);
    expect(hostile).toContain("audit line 3");
    expect(hostile).toContain('<a class="back" href="#s1-m2">');
    expect(hostile).toMatch(/<span class="ctx-line hit"><span class="ln">3<\/span>/);
    expect(count(hostile, 'class="ctx-line')).toBe(3);
    expect(count(hostile, 'data-testid="breaker-band"')).toBe(1);
    expect(count(hostile, "<title>r&lt;1&gt; exhausted at 1.06 s</title>")).toBe(1);
  });

  it("shows the verdict, engine, seed and a coloured parity table in the header", () => {
    const html = render();
    expect(html).toContain('<div class="verdict fail">FAIL</div>');
    expect(html).toContain("seed <code>7</code>");
    expect(
      count(html, '<span class="pill FAIL">') +
        count(html, '<span class="pill PASS">') +
        count(html, '<span class="pill PARTIAL">'),
    ).toBe(5);
  });

  it("cuts the idle hours out of a day-long run and still draws every attempt and breaker interval", () => {
    const day = section(render([dayOutcome()]), "s20-day");
    expect(count(day, '<g class="cut">')).toBe(3);
    expect(day).toContain("5 h 59 min idle");
    expect(count(day, 'data-testid="attempt-mark"')).toBe(15);
    expect(count(day, 'data-testid="breaker-band"')).toBe(5);
    expect(day).toMatch(/text-anchor="start">12 h<\/text>/);
  });

  it("caps the lanes drawn at 60 and says how many requests are not drawn", () => {
    const html = section(render([burstOutcome(100)]), "s50-burst");
    expect(count(html, 'data-testid="attempt-mark"')).toBe(60);
    expect(count(html, 'class="lane-label"')).toBe(60);
    expect(html).toContain("60 of 100 requests drawn");
    expect(html).toContain("40 more with 40 attempt(s) are not drawn");
  });
});

describe("timelineModel", () => {
  it("derives lanes, attempts with waits, and breaker intervals from the audit alone", () => {
    const o = breakerRecoversOutcome();
    const model = timelineModel(o.run.startMs, o.run.auditText);
    expect(model.models).toEqual(["openai/gpt-4.1", "anthropic/claude-sonnet-4"]);
    expect(model.lanes.map((l) => [l.requestId, l.terminal, l.servedBy])).toEqual([
      ["r1", "success", "anthropic/claude-sonnet-4"],
      ["r2", "success", "openai/gpt-4.1"],
    ]);
    expect(model.lanes[0]?.attempts.map((a) => [a.attempt, a.outcome, a.start, a.end, a.waitMs])).toEqual([
      [1, "failure", 0, 120, 0],
      [2, "failure", 120, 200, 1500],
      [3, "success", 1700, 2000, 0],
    ]);
    expect(model.bands.map((b) => [b.model.split("/")[0], b.state, b.start, b.end])).toEqual([
      ["openai", "closed", 0, 120],
      ["openai", "open", 120, 60_500],
      ["openai", "half_open", 60_500, 60_900],
      ["openai", "closed", 60_900, 60_900],
      ["anthropic", "closed", 0, 60_900],
    ]);
  });

  it("skips lines that are not JSON without losing the line numbers of the rest", () => {
    const o = breakerRecoversOutcome();
    const model = timelineModel(o.run.startMs, `not json\n${o.run.auditText}`);
    expect(model.lanes[0]?.attempts[0]?.lines).toEqual([3, 4]);
  });
});

describe("timeScale", () => {
  it("keeps a plain linear axis ending on a round tick when nothing is idle for long", () => {
    const scale = timeScale([[0, 1700]], 100, 800);
    expect(scale.cuts).toEqual([]);
    expect(scale.ticks.map((t) => formatDuration(t.ms))).toEqual([
      "0",
      "200 ms",
      "400 ms",
      "600 ms",
      "800 ms",
      "1 s",
      "1.2 s",
      "1.4 s",
      "1.6 s",
      "1.8 s",
      "2 s",
    ]);
    expect(scale.x(0)).toBe(100);
    expect(scale.x(900)).toBeCloseTo(460);
    expect(scale.x(2000)).toBe(900);
  });

  it("cuts a long idle stretch out of a day-long axis and keeps time increasing left to right", () => {
    const day = 24 * 3_600_000;
    const scale = timeScale(
      [
        [0, 2_000],
        [day - 5_000, day],
      ],
      0,
      1000,
    );
    expect(scale.cuts).toHaveLength(1);
    expect(formatDuration((scale.cuts[0]?.to ?? 0) - (scale.cuts[0]?.from ?? 0))).toBe("23 h 59 min");
    const xs = [0, 1_000, 2_000, 3_600_000, day - 5_000, day - 1_000, day].map(scale.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs.at(-1)).toBeLessThan(1000); // a little room after the last event
    expect(scale.x(day + 60_000)).toBe(1000);
    expect(scale.ticks.length).toBeGreaterThan(3);
  });

  it("formats durations for people", () => {
    expect(formatDuration(0)).toBe("0");
    expect(formatDuration(250)).toBe("250 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(60_500)).toBe("1 min 0.5 s");
    expect(formatDuration(90 * 60_000)).toBe("1 h 30 min");
    expect(formatDuration(24 * 3_600_000)).toBe("1 d");
  });
});
