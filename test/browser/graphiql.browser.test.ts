import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { closeChromium, offlinePage } from "../helpers/browser.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";

/** What an editor shows, with Monaco's non-breaking spaces as plain ones. */
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\u00a0/g, " ");

afterAll(closeChromium);

describe("GraphiQL in headless Chromium, offline", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("loads from the gateway alone, opens on the example and the header hint, and runs the example with a token", async () => {
    const me = await createCreator(db, { name: "Browser Creator" });
    await deposit(url, service.token, me.id, 12345);
    const { page, external, errors } = await offlinePage(url);
    await page.goto(`${url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    const queryEditor = page.locator(".graphiql-query-editor");
    await expect.poll(() => textOf(queryEditor)).toContain("query Me {");
    const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden)");
    expect(await textOf(headersEditor)).toContain('"Authorization": "Bearer <paste a token here>"');

    await headersEditor.locator(".monaco-editor").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${me.token}` }));
    // The editor closed the brace and quote it saw opened: drop what follows the cursor.
    await page.keyboard.press("Shift+End");
    await page.keyboard.press("Delete");
    await page.locator('[aria-label="Execute query (Ctrl-Enter)"]').click();
    const result = page.locator(".result-window");
    await expect.poll(() => textOf(result), { timeout: 15_000 }).toContain(me.email);
    const text = await textOf(result);
    expect(text).toContain('"displayName": "Browser Creator"');
    expect(text).toContain('"formatted": "$123.45"');
    expect(external).toEqual([]); // nothing came from a CDN
    expect(errors).toEqual([]);
  });
});
