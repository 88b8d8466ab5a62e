import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiPath } from "../../src/rest/openapi.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { startServer } from "../helpers/app.ts";
import { closeChromium, offlinePage } from "../helpers/browser.ts";
import { testDatabase } from "../helpers/db.ts";

afterAll(closeChromium);

describe("the REST docs page (/api/docs) in headless Chromium, offline", () => {
  let url: string;
  beforeAll(async () => ({ url } = await startServer(await testDatabase())));

  it("renders every path of the route table from npm-installed assets alone", async () => {
    const { page, external, errors } = await offlinePage(url);
    await page.goto(`${url}/api/docs`);
    const operations = page.locator(".opblock-summary");
    await expect.poll(() => operations.count(), { timeout: 30_000 }).toBe(restRoutes.length);
    const shown = await operations.evaluateAll((blocks) =>
      blocks.map((b) => {
        const method = b.querySelector(".opblock-summary-method")?.textContent ?? "";
        const path = b.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    expect(shown.sort()).toEqual(restRoutes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    expect(await page.locator(".info .title").innerText()).toContain("Wallet gateway REST API");
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
