import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { UNLIMITED } from "../helpers/app.ts";
import { openUnreachableDatabase, testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

type Line = { msg: string; level: number; requestId?: string; path?: string; status?: number };

/** The app on a socket with a logger whose JSON lines land in `lines`. */
async function serveWithCapturedLogs(db: Database) {
  const lines: Line[] = [];
  const logger = createLogger("debug", { write: (text: string) => void lines.push(JSON.parse(text) as Line) });
  const server = http.createServer(createApp({ db, logger, config: { limits: UNLIMITED } }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

describe("one request id from the edge to every log line", () => {
  let db: Database;
  beforeAll(async () => (db = await testDatabase()));

  it("a REST call logs one request line (its GraphQL operation runs within it, adding none), and every line carries its id", async () => {
    const { url, lines } = await serveWithCapturedLogs(db);
    const me = await createCreator(db);
    lines.length = 0;
    const res = await fetch(`${url}/api/wallet`, { headers: { authorization: `Bearer ${me.token}` } });
    expect(res.status).toBe(200);
    await res.json();
    const id = res.headers.get("x-request-id")!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.requestId !== id)).toEqual([]);
    expect(lines.filter((l) => l.msg === "request")).toEqual([
      expect.objectContaining({ requestId: id, path: "/api/wallet", status: 200 }),
    ]);
  });

  it("keeps the caller's X-Request-Id, and replaces one that is not a sane id", async () => {
    const { url, lines } = await serveWithCapturedLogs(db);
    const me = await createCreator(db);
    lines.length = 0;
    const given = await fetch(`${url}/api/wallet`, {
      headers: { authorization: `Bearer ${me.token}`, "x-request-id": "trace-42.a_b" },
    });
    expect(given.headers.get("x-request-id")).toBe("trace-42.a_b");
    expect(new Set(lines.map((l) => l.requestId))).toEqual(new Set(["trace-42.a_b"]));
    const insane = await fetch(`${url}/graphql?query=%7B__typename%7D`, { headers: { "x-request-id": "a b\u00e9".repeat(30) } });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe("with the database unreachable", () => {
    let down: Database;
    beforeAll(async () => {
      down = await openUnreachableDatabase();
    });
    afterAll(() => down.close());

    it("the error lines of a failed request carry its id too, without a stack for an outage", async () => {
      const { url, lines } = await serveWithCapturedLogs(down);
      for (const path of ["/api/wallet", "/graphql?query=%7Bviewer%7BtokenRole%7D%7D"]) {
        lines.length = 0;
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer wgw_${"0".repeat(43)}` } });
        expect(res.status).toBe(503);
        const id = res.headers.get("x-request-id")!;
        const warnings = lines.filter((l) => l.level >= 40);
        expect(warnings.length).toBeGreaterThan(0);
        // Each warning carries the request's id (the token cache may also say it cannot listen yet).
        expect(warnings).toEqual(warnings.map(() => expect.objectContaining({ requestId: id })));
        expect(warnings.map((l) => l.msg)).toContain("database busy or unavailable");
        expect(lines.filter((l) => l.msg === "request")).toEqual([expect.objectContaining({ requestId: id, status: 503 })]);
        expect(JSON.stringify(lines)).not.toContain("stack");
      }
    });
  });
});
