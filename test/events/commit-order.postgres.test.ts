import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { CHANNELS } from "../../src/db/notifications.ts";
import { limitsArg } from "../../src/modules/wallet/movement.ts";
import { startServer, UNLIMITED } from "../helpers/app.ts";
import { POSTGRES_URL, testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { childEnv, runBin } from "../helpers/processes.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";

const ADDED = `subscription { transactionAdded(scope: GROUP) { account { id: legacyId } transaction { id: legacyId amount { amount } } } }`;
type Added = { transactionAdded: { account: { id: number }; transaction: { id: number; amount: { amount: number } } } };

/** One deposit through wallet_move on a session of its own, inside a transaction the test commits when it wants. */
const depositSql = (accountId: number, amount: number) => ({
  text: "SELECT wallet_move(0, 'test', NULL, NULL, 'adjust', $1::jsonb, $2::jsonb) AS answer",
  values: [JSON.stringify({ kind: "DEPOSIT", accountId, amount }), JSON.stringify(limitsArg())],
});

// PostgreSQL only: two sessions committing in the opposite order of their entry ids, writers that
// never publish (as one that died between its commit and its notice), and the CLI as a writer.
describe("live events without NOTIFY in the money transaction", () => {
  let db: Database;
  let url: string;
  const sessions: pg.Client[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    // A short catch-up interval: the hub looks at its wallets' newest entries itself every 100 ms.
    ({ url } = await startServer(db, { ...UNLIMITED, subscriptions: { ...UNLIMITED.subscriptions, catchUpMs: 100 } }));
    for (let i = 0; i < 2; i++) {
      const session = new pg.Client({ connectionString: POSTGRES_URL });
      await session.connect();
      sessions.push(session);
    }
  });
  afterAll(async () => {
    for (const s of sessions) await s.end();
  });

  /** A master and two children, with a GROUP stream of the master's open. */
  async function group(): Promise<{ a: number; b: number; stream: SseStream }> {
    const master = await createCreator(db);
    const [a, b] = [await createCreator(db, { masterId: master.id }), await createCreator(db, { masterId: master.id })];
    const stream = await subscribe(url, ADDED, { token: master.token });
    expect(stream.status).toBe(200);
    return { a: a.id, b: b.id, stream };
  }

  const received = async (stream: SseStream, count: number) => {
    const seen: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const { transactionAdded: t } = (await stream.next<Added>(3_000)).data!;
      seen.push([t.account.id, t.transaction.amount.amount]);
    }
    return seen;
  };

  it("delivers both entries, once each, when the later id commits first and nobody publishes either", async () => {
    const { a, b, stream } = await group();
    try {
      const [first, second] = sessions as [pg.Client, pg.Client];
      await first.query("BEGIN");
      const early = (await first.query<{ answer: { entries: { id: number }[] } }>(depositSql(a, 111))).rows[0]!.answer;
      await second.query("BEGIN");
      const late = (await second.query<{ answer: { entries: { id: number }[] } }>(depositSql(b, 222))).rows[0]!.answer;
      expect(late.entries[0]!.id).toBeGreaterThan(early.entries[0]!.id);
      await second.query("COMMIT"); // the higher id commits first...
      expect(await received(stream, 1)).toEqual([[b, 222]]);
      await first.query("COMMIT"); // ...the lower one after it: still delivered, through the catch-up
      expect(await received(stream, 1)).toEqual([[a, 111]]);
      await new Promise((r) => setTimeout(r, 300)); // several catch-ups later: nothing twice
      expect(stream.events.filter((e) => e.event === "next")).toHaveLength(2);
    } finally {
      stream.close();
    }
  });

  it("delivers them when their notices arrive in the opposite order of their commits", async () => {
    const { a, b, stream } = await group();
    try {
      const [first, second] = sessions as [pg.Client, pg.Client];
      await first.query("BEGIN");
      const early = (await first.query<{ answer: { entries: { walletId: number; id: number }[] } }>(depositSql(a, 5))).rows[0]!
        .answer.entries[0]!;
      await second.query("BEGIN");
      const late = (await second.query<{ answer: { entries: { walletId: number; id: number }[] } }>(depositSql(b, 6))).rows[0]!
        .answer.entries[0]!;
      await second.query("COMMIT");
      await first.query("COMMIT");
      await first.query("SELECT pg_notify($1, $2)", [CHANNELS.ledger, `${early.walletId}:${early.id}`]);
      await first.query("SELECT pg_notify($1, $2)", [CHANNELS.ledger, `${late.walletId}:${late.id}`]);
      expect((await received(stream, 2)).sort()).toEqual(
        [
          [a, 5],
          [b, 6],
        ].sort(),
      );
    } finally {
      stream.close();
    }
  });

  it("sees the CLI's movements (another process writing to the database)", async () => {
    const { a, stream } = await group();
    try {
      const service = await createCreator(db, { service: true });
      const { recordSale } = await import("../../src/modules/wallet/sale.service.ts");
      await recordSale(db, service.id, { accountId: a, amount: 4_242, externalId: randomUUID() });
      expect(await received(stream, 1)).toEqual([[a, 4_242]]);
      const cli = runBin(["hold-release", "--account", String(a), "--days", "0"], childEnv({ DATABASE_URL: POSTGRES_URL! }));
      expect(await cli.exited).toBe(0);
      expect(cli.stdout()).toContain("released 1 sale(s)");
      // The release's visible leg (+available) arrives from the CLI's process.
      expect(await received(stream, 1)).toEqual([[a, 4_242]]);
    } finally {
      stream.close();
    }
  });
});
