import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium (installed by .ci/run); browser downloads are impossible here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Promise<Browser> | undefined;

/** One headless Chromium per test file; the file closes it with `afterAll(closeChromium)`. */
export function headlessChromium(): Promise<Browser> {
  if (!browser) {
    browser = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // The machine's network is closed: without these, Chromium keeps retrying Google's hosts.
      args: [
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
  return browser;
}

/** Closes the file's Chromium (a hook registered from inside a test would never run). */
export async function closeChromium(): Promise<void> {
  const open = browser;
  browser = undefined;
  await (await open)?.close();
}

/**
 * A page that may load only from `origin`: every other request is refused and recorded, so a
 * test proves the page works offline (no CDN) by expecting `external` to stay empty.
 */
export async function offlinePage(origin: string): Promise<{ page: Page; external: string[]; errors: string[] }> {
  const context = await (await headlessChromium()).newContext();
  const page = await context.newPage();
  const external: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return { page, external, errors };
}
