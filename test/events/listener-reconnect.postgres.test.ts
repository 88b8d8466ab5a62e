import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { subscribe } from "../helpers/sse.ts";

const TRANSACTIONS = `subscription { transactionAdded { transaction { amount { amount } } } }`;
type Added = { transactionAdded: { transaction: { amount: { amount: number } } } };

// PostgreSQL only: the listener is a connection of its own, and PostgreSQL may drop it.
describe("live events survive a lost listener connection", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("reconnects and catches up from the ledger: a movement committed while nobody listened still arrives, once", async () => {
    const creator = await createCreator(db);
    const stream = await subscribe(url, TRANSACTIONS, { token: creator.token });
    try {
      await deposit(url, service.token, creator.id, 1);
      expect((await stream.next<Added>()).data!.transactionAdded.transaction.amount.amount).toBe(1);
      // Cut every listener of this database (as a PostgreSQL restart or a network blip would), then
      // write at once, while this process is reconnecting: the NOTIFY goes to nobody.
      const cut = await db.pgPool!.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
         WHERE application_name = 'wallet-gateway-events' AND datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(cut.rows.length).toBeGreaterThanOrEqual(1);
      await deposit(url, service.token, creator.id, 2);
      await deposit(url, service.token, creator.id, 3);
      const after = [await stream.next<Added>(5_000), await stream.next<Added>(5_000)];
      expect(after.map((e) => e.data!.transactionAdded.transaction.amount.amount)).toEqual([2, 3]);
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.events.filter((e) => e.event === "next")).toHaveLength(3);
    } finally {
      stream.close();
    }
  });
});
