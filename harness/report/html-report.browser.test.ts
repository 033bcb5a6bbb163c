import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  breakerRecoversOutcome,
  burstOutcome,
  dayOutcome,
  hostileOutcome,
  reportOf,
} from "./html/fake-runs.ts";
import { BROWSER_TIMEOUT, launchChromium, openReport, type OpenedReport } from "./html/browser-test-kit.ts";
import { htmlReport } from "./html-report.ts";

const SCREENSHOT = fileURLToPath(new URL("../../reports/html-report.png", import.meta.url));

let browser: Browser | undefined;
let dir = "";

async function load(): Promise<OpenedReport> {
  const outcomes = [breakerRecoversOutcome(), hostileOutcome(), dayOutcome(), burstOutcome(100)];
  const { file, content } = htmlReport(reportOf(outcomes), outcomes);
  await writeFile(join(dir, file), content);
  return openReport(browser, join(dir, file), { width: 1240, height: 900 });
}

describe("the HTML report in headless Chromium", () => {
  beforeAll(async () => {
    // A missing browser fails every test below (openReport says why) rather than skipping them: CI installs it.
    dir = await mkdtemp(join(tmpdir(), "html-report-"));
    browser = await launchChromium();
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    "renders with no console errors, no page errors, no dialogs and no request beyond the file itself",
    async () => {
      const { page, problems, requests } = await load();
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      expect(await page.title()).toContain("FAIL");
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  it(
    "draws the known scenario's 4 attempt marks and 5 breaker bands",
    async () => {
      const { page } = await load();
      const known = page.locator('[data-scenario="s07-breaker-recovers"]');
      await known.locator("summary").click(); // passing scenarios start closed
      await expect.poll(() => known.locator('[data-testid="attempt-mark"]').count()).toBe(4);
      expect(await known.locator('[data-testid="breaker-band"]').count()).toBe(5);
      expect(await known.locator('[data-testid="breaker-band"][data-state="open"]').count()).toBe(1);
      expect(await known.locator('[data-testid="attempt-mark"]').first().isVisible()).toBe(true);
      expect(await page.locator('[data-scenario="s50-burst"] [data-testid="attempt-mark"]').count()).toBe(60);
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  it(
    "follows a flagged attempt mark to its violation, and shows a hostile title as text",
    async () => {
      const { page, problems } = await load();
      const hostile = page.locator('[data-scenario="s99-hostile"]');
      expect(await hostile.getAttribute("open")).not.toBeNull();
      expect(await hostile.locator(".stitle").textContent()).toBe(
        `Hostile <img src=x onerror="alert(3)"> names`,
      );
      await hostile.locator('a.flag-link:has([data-testid="attempt-mark"])').first().click();
      expect(new URL(page.url()).hash).toBe("#s1-v0");
      expect(await page.locator("#s1-v0 .rule").textContent()).toBe("action-mismatch");
      expect(problems).toEqual([]);
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  it(
    "takes a full-page screenshot to reports/html-report.png",
    async () => {
      const { page } = await load();
      await page.locator('[data-scenario="s07-breaker-recovers"] summary').click();
      await page.locator('[data-scenario="s20-day"] summary').click();
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.length).toBeGreaterThan(10_000);
      await page.close();
    },
    BROWSER_TIMEOUT,
  );
});
