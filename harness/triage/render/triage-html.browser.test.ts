import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../cli/cli-test-io.ts";
import { triageCommand } from "../../cli/commands/triage.ts";

/** Debian's Chromium, installed by .ci/install-chromium (see harness/report/html-report.browser.test.ts). */
const CHROMIUM = "/usr/bin/chromium";
const INCIDENT = fileURLToPath(
  new URL("../../../fixtures/incidents/generated/anthropic-afternoon-outage.jsonl.gz", import.meta.url),
);
const CONFIG = fileURLToPath(
  new URL("../../../fixtures/incidents/generated/anthropic-afternoon-outage.opencode.json", import.meta.url),
);
const SCREENSHOT = fileURLToPath(new URL("../../../reports/triage-html.png", import.meta.url));
const TIMEOUT = 60_000;

let browser: Browser | undefined;
let dir = "";

describe("the triage report in headless Chromium", () => {
  beforeAll(async () => {
    // A missing browser fails the test below rather than skipping it: CI installs it.
    if (!existsSync(CHROMIUM)) return;
    dir = await mkdtemp(join(tmpdir(), "triage-html-"));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    "renders a real-looking incident's charts with no console error and no request beyond the file",
    async () => {
      if (!browser) throw new Error(`Failed to start ${CHROMIUM}; run .ci/install-chromium.`);
      const io = recordingIo({ CI: "true" });
      expect(await triageCommand({ file: INCIDENT, config: CONFIG, out: dir }, io)).toBe(0);
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir, "triage.html")).href, { waitUntil: "load" });
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      const charts = page.locator("svg.chart");
      expect(await charts.count()).toBeGreaterThanOrEqual(3);
      for (const chart of await charts.all()) {
        const box = await chart.boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(300);
        expect(box?.height ?? 0).toBeGreaterThan(20);
      }
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      await page.close();
    },
    TIMEOUT,
  );
});
