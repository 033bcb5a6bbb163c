import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; CI installs it with .ci/install-chromium (playwright's own browser download is not reachable). */
export const CHROMIUM = "/usr/bin/chromium";

/** A browser test's time limit, ms: starting Chromium on a loaded CI machine takes seconds. */
export const BROWSER_TIMEOUT = 60_000;

/**
 * Headless Chromium with nothing of its own on the network, or undefined when it is not installed: the test
 * that needs it then fails with {@link openReport}'s message, rather than being skipped (CI installs it).
 */
export async function launchChromium(): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A report opened in a page, with everything it complained about and every request it made. */
export interface OpenedReport {
  readonly page: Page;
  /** Console errors and warnings, page errors and dialogs, in order. */
  readonly problems: string[];
  readonly requests: string[];
}

/** Opens the HTML file at `path` in a new page of `browser`, recording what a self-contained page must not do. */
export async function openReport(
  browser: Browser | undefined,
  path: string,
  viewport: { readonly width: number; readonly height: number },
): Promise<OpenedReport> {
  if (!browser)
    throw new Error(`Failed to open the report: ${CHROMIUM} did not start. Run .ci/install-chromium.`);
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  return { page, problems, requests };
}
