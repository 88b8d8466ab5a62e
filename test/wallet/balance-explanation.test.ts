import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, mutate, openWalletServer, recordSale, releaseAll, type Service } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

type Entry = {
  amount: { amount: number };
  balanceAfter: { amount: number };
  type: string;
  internal: boolean;
  transaction: { id: number } | null;
};
type Explanation = {
  bucket: string;
  balance: { amount: number };
  reconciles: boolean;
  entries: { edges: { cursor: string; node: Entry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

const EXPLAIN = `query($bucket: Bucket!, $first: Int, $after: String) { viewer { wallet { balanceExplanation(bucket: $bucket) {
  bucket balance { amount } reconciles
  entries(first: $first, after: $after) { edges { cursor node { amount { amount } balanceAfter { amount } type internal transaction { id: legacyId } } }
    pageInfo { hasNextPage endCursor } } } } } }`;

describe("explainable balances: each bucket with the entries that sum to it, reconciled at read time", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const explain = async (token: string, bucket: string, first = 20, after: string | null = null) =>
    (
      await gql<{ viewer: { wallet: { balanceExplanation: Explanation } } }>(url, EXPLAIN, {
        token,
        variables: { bucket, first, after },
      })
    ).body.data!.viewer.wallet.balanceExplanation;
  const row = (e: { node: Entry }) => [
    e.node.type,
    e.node.amount.amount,
    e.node.balanceAfter.amount,
    e.node.internal,
    e.node.transaction !== null,
  ];

  it("lists every entry of each bucket, internal legs included, newest first, summing to the bucket", async () => {
    const me = await createCreator(db);
    await recordSale(url, service.token, me.id, 500);
    await releaseAll(url, service.token, me.id);
    await deposit(url, service.token, me.id, 300);
    const cashout = await mutate<{ payout: { id: number } }>(
      url,
      me.token,
      `mutation { requestCashout(input: {}) { ... on RequestCashoutPayload { payout { id: legacyId } } } }`,
    );
    await mutate(url, service.token, `mutation($input: SettlePayoutInput!) { settlePayout(input: $input) { __typename } }`, {
      input: { payoutId: cashout.payout.id, status: "PAID" },
    });

    const available = await explain(me.token, "AVAILABLE");
    expect([available.bucket, available.balance.amount, available.reconciles]).toEqual(["AVAILABLE", 0, true]);
    expect(available.entries.edges.map(row)).toEqual([
      ["CASHOUT", -800, 0, false, true],
      ["DEPOSIT", 300, 800, false, true],
      ["HOLD_RELEASE", 500, 500, false, true],
    ]);
    const hold = await explain(me.token, "HOLD");
    expect([hold.balance.amount, hold.reconciles]).toEqual([0, true]);
    expect(hold.entries.edges.map(row)).toEqual([
      ["HOLD_RELEASE", -500, 0, true, false],
      ["SALE", 500, 500, false, true],
    ]);
    const pending = await explain(me.token, "PENDING");
    expect([pending.balance.amount, pending.reconciles]).toEqual([0, true]);
    expect(pending.entries.edges.map((e) => [e.node.type, e.node.amount.amount, e.node.balanceAfter.amount])).toEqual([
      ["RELEASE_PENDING", -800, 0],
      ["CASHOUT", 800, 800],
    ]);
    for (const x of [available, hold, pending]) {
      expect(x.entries.edges.reduce((sum, e) => sum + e.node.amount.amount, 0)).toBe(x.balance.amount);
    }
  });

  it("pages without gaps or repeats, and says false when the bucket and its entries disagree", async () => {
    const me = await createCreator(db);
    for (let i = 1; i <= 5; i++) await deposit(url, service.token, me.id, i * 10);
    const first = await explain(me.token, "AVAILABLE", 2);
    const second = await explain(me.token, "AVAILABLE", 2, first.entries.pageInfo.endCursor);
    const third = await explain(me.token, "AVAILABLE", 2, second.entries.pageInfo.endCursor);
    const amounts = [first, second, third].flatMap((p) => p.entries.edges.map((e) => e.node.amount.amount));
    expect(amounts).toEqual([50, 40, 30, 20, 10]);
    expect([first, second, third].map((p) => p.entries.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(first.reconciles).toBe(true);

    const other = await createCreator(db);
    const foreign = await gql(url, EXPLAIN, {
      token: other.token,
      variables: { bucket: "AVAILABLE", after: first.entries.pageInfo.endCursor },
    });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");

    await db.prisma.wallet.update({ where: { accountId: me.id }, data: { available: { increment: 7 } } });
    const broken = await explain(me.token, "AVAILABLE");
    expect([broken.balance.amount, broken.reconciles]).toEqual([157, false]);
    await db.prisma.wallet.update({ where: { accountId: me.id }, data: { available: { decrement: 7 } } });
    expect((await explain(me.token, "AVAILABLE")).reconciles).toBe(true);
  });

  it("costs the same statements for a short and a long ledger", async () => {
    const short = await createCreator(db);
    const long = await createCreator(db);
    await deposit(url, service.token, short.id, 1);
    for (let i = 0; i < 60; i++) await deposit(url, service.token, long.id, 1);
    const count = async (token: string) => (await countStatements(db, () => explain(token, "AVAILABLE", 5))).count;
    // Warm the cursor key and both tokens (each read once, then kept).
    await count(short.token);
    await count(long.token);
    expect(await count(long.token)).toBe(await count(short.token));
  });
});
