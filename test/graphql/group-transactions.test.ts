import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

const QUERY = `{ viewer { accountGroup { accounts { id: legacyId wallet {
  transactions(first: 5) { ... on TransactionConnection { edges { node { id: legacyId amount { amount } } } pageInfo { hasNextPage } } } } } } } }`;

type Result = {
  viewer: {
    accountGroup: {
      accounts: {
        id: number;
        wallet: {
          transactions: { edges: { node: { id: number; amount: { amount: number } } }[]; pageInfo: { hasNextPage: boolean } };
        } | null;
      }[];
    };
  };
};

describe("transactions of every wallet of a group come through one DataLoader (one keyset statement for all wallets)", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  async function agencyWith(children: number) {
    const master = await createCreator(db, { name: "Agency" });
    await deposit(url, service.token, master.id, 1);
    const kids = [];
    for (let i = 0; i < children; i++) {
      const child = await createCreator(db, { name: `Child ${i}` });
      for (let n = 0; n < 7; n++) await deposit(url, service.token, child.id, 100 * (i + 1) + n);
      await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
      kids.push(child);
    }
    return { master, kids };
  }

  async function statementsFor(token: string) {
    return countStatements(db, async () => (await gql<Result>(url, QUERY, { token })).body);
  }

  it("costs the same number of SQL statements for 1 child and for 10, with exact pages", async () => {
    const one = await agencyWith(1);
    const ten = await agencyWith(10);
    // Warm the process-wide caches: the cursor key, and each token (read once, then kept).
    await statementsFor(one.master.token);
    await statementsFor(ten.master.token);
    const a = await statementsFor(one.master.token);
    const b = await statementsFor(ten.master.token);
    const accounts = b.result.data!.viewer.accountGroup.accounts;
    expect(accounts.map((x) => x.id)).toEqual([ten.master.id, ...ten.kids.map((k) => k.id)]);
    expect(accounts[0]!.wallet!.transactions.edges.map((e) => e.node.amount.amount)).toEqual([1]);
    for (const [i, account] of accounts.slice(1).entries()) {
      expect(account.wallet!.transactions.edges.map((e) => e.node.amount.amount)).toEqual(
        [6, 5, 4, 3, 2].map((n) => 100 * (i + 1) + n),
      );
      expect(account.wallet!.transactions.pageInfo.hasNextPage).toBe(true);
    }
    expect(a.result.data!.viewer.accountGroup.accounts).toHaveLength(2);
    expect(b.count).toBe(a.count);
    expect(b.count).toBe(4); // group links, accounts, wallets, one LATERAL page for all wallets
    expect(b.statements.filter((s) => /CROSS JOIN LATERAL/.test(s))).toHaveLength(1);
  });

  it("shows a child its own wallet only: the master's wallet is null to it", async () => {
    const { master, kids } = await agencyWith(1);
    const res = await gql<{ viewer: { accountGroup: { master: { id: number; wallet: unknown } } } }>(
      url,
      "{ viewer { accountGroup { master { id: legacyId wallet { available { amount } } } } } }",
      { token: kids[0]!.token },
    );
    expect(res.body.data).toEqual({ viewer: { accountGroup: { master: { id: master.id, wallet: null } } } });
  });
});
