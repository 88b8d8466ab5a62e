import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { walletLanes } from "../../src/modules/wallet/wallet-lanes.ts";
import { UNLIMITED } from "../helpers/app.ts";
import { openUnreachableDatabase, testLogger } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, deposit, openWalletServer } from "../helpers/money.ts";

const cashout = (url: string, token: string) =>
  fetch(`${url}/api/wallet/cashout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });

describe("backpressure: contention and outages answer 409/503 with Retry-After, never 500", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("answers 409 with Retry-After while the wallet's lane stays busy past the wait, and serves it after", async () => {
    walletLanes.configure({ timeoutMs: 100 });
    const me = await createCreator(db);
    await deposit(url, service.token, me.id, 5_000);
    let release!: () => void;
    const busy = walletLanes.run(`wallet:${me.walletId}`, () => new Promise<void>((r) => (release = r)));
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => cashout(url, me.token)));
      for (const r of answers) {
        expect([r.status, r.headers.get("retry-after"), await r.json()]).toEqual([
          409,
          "1",
          { success: false, errors_message: "This wallet is busy with another request: retry shortly.", data: null },
        ]);
      }
      expect(await db.prisma.payout.count({ where: { wallet: { accountId: me.id } } })).toBe(0);
    } finally {
      release();
      await busy;
      walletLanes.configure({ timeoutMs: 2_000 });
    }
    expect((await cashout(url, me.token)).status).toBe(200);
  });

  it("serialises a burst of 60 cashouts on one wallet: one payout, every other answer 422 or 409, none 5xx", async () => {
    const me = await createCreator(db);
    await deposit(url, service.token, me.id, 5_000);
    const statuses = (await Promise.all(Array.from({ length: 60 }, () => cashout(url, me.token)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 422 && s !== 409)).toEqual([]);
    const payouts = await db.prisma.payout.findMany({ where: { wallet: { accountId: me.id } } });
    expect(payouts.map((p) => p.amount)).toEqual([5_000n]);
  });

  describe("with the database unreachable", () => {
    let downUrl: string;
    let down: Database;
    let server: http.Server;

    beforeAll(async () => {
      down = await openUnreachableDatabase();
      server = http.createServer(createApp({ db: down, logger: testLogger, config: { limits: UNLIMITED } }));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      downUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await down.close();
    });

    it("answers 503 with Retry-After on every surface, and /readyz 503", async () => {
      const token = { authorization: "Bearer wgw_0123456789012345678901234567890123456789abc" };
      const legacy = await fetch(`${downUrl}/api/wallet`, { headers: token });
      expect([legacy.status, legacy.headers.get("retry-after"), await legacy.json()]).toEqual([
        503,
        "2",
        { success: false, errors_message: "The service is temporarily unavailable: retry shortly.", data: null },
      ]);
      const studio = await fetch(`${downUrl}/api/external/v1/account/wallet/transactions`, {
        headers: { "x-api-key": token.authorization.slice(7) },
      });
      expect([studio.status, await studio.json()]).toEqual([
        503,
        { success: false, error: "service_unavailable", message: "Server error" },
      ]);
      const graphql = await fetch(`${downUrl}/graphql`, {
        method: "POST",
        headers: { ...token, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ viewer { tokenRole } }" }),
      });
      expect([graphql.status, graphql.headers.get("retry-after")]).toEqual([503, "2"]);
      expect(await graphql.json()).toMatchObject({
        errors: [
          {
            message: "The service is temporarily unavailable: retry shortly.",
            extensions: { code: "SERVICE_UNAVAILABLE", retryAfter: 2 },
          },
        ],
      });
      const register = await fetch(`${downUrl}/api/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "a@b.example", password: "long-enough", display_name: "A", currency: "USD" }),
      });
      expect(register.status).toBe(503);
      expect((await fetch(`${downUrl}/readyz`)).status).toBe(503);
    });
  });
});
