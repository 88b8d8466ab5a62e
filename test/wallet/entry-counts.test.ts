import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, mutate, openWalletServer, recordSale, releaseAll, type Service } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

const TOTALS = `query($types: [TransactionType!], $buckets: [Bucket!]) { viewer { wallet {
  transactionPage(perPage: 5, filter: { types: $types, buckets: $buckets }) { ... on TransactionPage { total lastPage } }
  transactions(first: 5, filter: { types: $types, buckets: $buckets }) { ... on TransactionConnection { totalCount } } } } }`;
type Totals = {
  viewer: { wallet: { transactionPage: { total: number; lastPage: number }; transactions: { totalCount: number } } };
};

describe("list totals from counters the database keeps on insert", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("answer exactly what counting the ledger answers, for every type and bucket filter, without reading the ledger", async () => {
    const creator = await createCreator(db);
    for (const amount of [100, 200, 300]) await deposit(url, service.token, creator.id, amount);
    for (const amount of [50, 60]) await recordSale(url, service.token, creator.id, amount);
    await releaseAll(url, service.token, creator.id);
    await mutate(url, service.token, `mutation($i: BalanceAdjustmentInput!) { recordWithdrawal(input: $i) { __typename } }`, {
      i: { accountId: creator.id, amount: 25, externalId: `w-${creator.id}` },
    });
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: creator.id } });
    const counted = async (types: string[] | null, buckets: string[] | null) =>
      db.prisma.ledgerEntry.count({
        where: {
          walletId: wallet.id,
          visible: true,
          ...(types ? { type: { in: types as never } } : {}),
          ...(buckets ? { bucket: { in: buckets as never } } : {}),
        },
      });
    const cases: [string[] | null, string[] | null][] = [
      [null, null],
      [["DEPOSIT"], null],
      [["SALE", "HOLD_RELEASE"], null],
      [["WITHDRAWAL"], null],
      [null, ["AVAILABLE"]],
      [null, ["HOLD"]],
      [["SALE"], ["HOLD"]],
      [["REFUND"], null],
    ];
    const seen: number[][] = [];
    for (const [types, buckets] of cases) {
      const expected = await counted(types, buckets);
      const { result, statements } = await countStatements(db, () =>
        gql<Totals>(url, TOTALS, { token: creator.token, variables: { types, buckets } }),
      );
      const w = result.body.data!.viewer.wallet;
      seen.push([w.transactionPage.total, w.transactions.totalCount, expected]);
      expect(w.transactionPage.lastPage).toBe(Math.max(1, Math.ceil(expected / 5)));
      expect(statements.filter((s) => /count\(\*\)/i.test(s))).toEqual([]);
    }
    expect(seen).toEqual(cases.map((_, i) => [seen[i]![2], seen[i]![2], seen[i]![2]]));
    // 3 deposits, 2 sales, 2 releases, 1 withdrawal are visible: 8 in all.
    expect(seen[0]).toEqual([8, 8, 8]);
  });

  it("counts with the ledger when the filter needs the entries (a time range)", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 1);
    const res = await gql<{ viewer: { wallet: { transactionPage: { total: number } } } }>(
      url,
      `{ viewer { wallet { transactionPage(filter: { from: "2000-01-01T00:00:00Z" }) { ... on TransactionPage { total } } } } }`,
      { token: creator.token },
    );
    expect(res.body.data!.viewer.wallet.transactionPage.total).toBe(1);
  });
});
