import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { startServer } from "../helpers/app.ts";
import { POSTGRES_URL, testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { createService, deposit } from "../helpers/money.ts";

// PostgreSQL only (the embedded database has one connection: no other session can hold a row).
const cashout = (url: string, token: string) =>
  fetch(`${url}/api/wallet/cashout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });

describe("a wallet row locked by another session", () => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("answers 409 with Retry-After after the bounded lock wait, while other accounts keep going", async () => {
    const service = await createService(db);
    const busy = await createCreator(db);
    const other = await createCreator(db);
    await deposit(url, service.token, busy.id, 700);
    await deposit(url, service.token, other.id, 900);
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: busy.id } });
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT id FROM wallets WHERE id = $1 FOR UPDATE", [wallet.id]);
      const started = Date.now();
      const pending = cashout(url, busy.token);
      const t = Date.now();
      expect((await cashout(url, other.token)).status).toBe(200);
      expect(Date.now() - t).toBeLessThan(1_000);
      const res = await pending;
      expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([
        409,
        "1",
        { success: false, errors_message: "This wallet is busy with another request: retry shortly.", data: null },
      ]);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await client.query("ROLLBACK");
      await client.end();
    }
    expect(await db.prisma.payout.count({ where: { wallet: { accountId: busy.id } } })).toBe(0);
    expect((await cashout(url, busy.token)).status).toBe(200);
  });
});
