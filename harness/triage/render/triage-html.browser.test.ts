import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../cli/cli-test-io.ts";
import { triageCommand } from "../../cli/commands/triage.ts";
import { BROWSER_TIMEOUT, launchChromium, openReport } from "../../report/html/browser-test-kit.ts";

const INCIDENT = fileURLToPath(
  new URL("../../../fixtures/incidents/generated/anthropic-afternoon-outage.jsonl.gz", import.meta.url),
);
const CONFIG = fileURLToPath(
  new URL("../../../fixtures/incidents/generated/anthropic-afternoon-outage.opencode.json", import.meta.url),
);
const SCREENSHOT = fileURLToPath(new URL("../../../reports/triage-html.png", import.meta.url));

let browser: Browser | undefined;
let dir = "";

describe("the triage report in headless Chromium", () => {
  beforeAll(async () => {
    // A missing browser fails the test below (openReport says why) rather than skipping it: CI installs it.
    dir = await mkdtemp(join(tmpdir(), "triage-html-"));
    browser = await launchChromium();
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    "renders a real-looking incident's charts with no console error and no request beyond the file",
    async () => {
      const io = recordingIo({ CI: "true" });
      expect(await triageCommand({ file: INCIDENT, config: CONFIG, out: dir }, io)).toBe(0);
      const { page, problems, requests } = await openReport(browser, join(dir, "triage.html"), {
        width: 1300,
        height: 900,
      });
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
    BROWSER_TIMEOUT,
  );
});
