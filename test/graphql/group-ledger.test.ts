import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

type Edge = { cursor: string; node: { amount: { amount: number } }; account: { id: number }; currency: { code: string } };
type Page = {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
};

const FEED = `query($first: Int, $after: String, $last: Int, $before: String) { viewer { accountGroup { transactions(first: $first, after: $after, last: $last, before: $before) {
  __typename ... on GroupTransactionConnection { edges { cursor node { amount { amount } } account { id: legacyId } currency { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } ... on Error { code } } } } }`;

describe("one merged ledger for an agency: accountGroup.transactions", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  async function agency(children: number, currencies: string[] = []) {
    const master = await createCreator(db, { name: "Agency" });
    const kids = [];
    for (let i = 0; i < children; i++) {
      const child = await createCreator(db, { currency: currencies[i] ?? "USD" });
      await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
      kids.push(child);
    }
    return { master, kids };
  }
  const feed = async (token: string, variables: Record<string, unknown>) =>
    (
      await gql<{ viewer: { accountGroup: { transactions: Page & { __typename: string; code?: string } } } }>(url, FEED, {
        token,
        variables,
      })
    ).body.data!.viewer.accountGroup.transactions;
  const amounts = (p: Page) => p.edges.map((e) => e.node.amount.amount);

  it("merges the master's and every child's entries newest first, each edge naming its account and currency, in pages without gaps", async () => {
    const { master, kids } = await agency(2, ["USD", "EUR"]);
    const owners = [master, ...kids];
    const written: { amount: number; account: number; currency: string }[] = [];
    for (let n = 1; n <= 10; n++) {
      const owner = owners[n % 3]!;
      await deposit(url, service.token, owner.id, n);
      written.push({ amount: n, account: owner.id, currency: n % 3 === 2 ? "EUR" : "USD" });
    }
    const seen: Edge[] = [];
    let page = await feed(master.token, { first: 4 });
    seen.push(...page.edges);
    while (page.pageInfo.hasNextPage) {
      page = await feed(master.token, { first: 4, after: page.pageInfo.endCursor });
      seen.push(...page.edges);
    }
    expect(seen.map((e) => ({ amount: e.node.amount.amount, account: e.account.id, currency: e.currency.code }))).toEqual(
      [...written].reverse(),
    );
    // Backwards from the end gives the same entries.
    const last = await feed(master.token, { last: 3 });
    expect(amounts(last)).toEqual([3, 2, 1]);
    expect(amounts(await feed(master.token, { last: 3, before: last.pageInfo.startCursor }))).toEqual([6, 5, 4]);
    // A child sees its own entries only.
    expect(amounts(await feed(kids[0]!.token, { first: 10 }))).toEqual([10, 7, 4, 1]);
  });

  it("keeps its place when entries arrive between pages: no entry skipped or repeated", async () => {
    const { master, kids } = await agency(2);
    for (let n = 1; n <= 6; n++) await deposit(url, service.token, [master, ...kids][n % 3]!.id, n);
    const first = await feed(master.token, { first: 3 });
    expect(amounts(first)).toEqual([6, 5, 4]);
    for (const owner of [master, ...kids]) await deposit(url, service.token, owner.id, 100 + owner.id);
    const second = await feed(master.token, { first: 3, after: first.pageInfo.endCursor });
    expect(amounts(second)).toEqual([3, 2, 1]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(amounts(await feed(master.token, { first: 3 }))).toEqual([master, ...kids].map((o) => 100 + o.id).reverse());
  });

  it("binds cursors to the group and costs the same statements for 1 child and for 10", async () => {
    const one = await agency(1);
    const ten = await agency(10);
    for (const { master, kids } of [one, ten]) {
      for (const owner of [master, ...kids]) for (let n = 0; n < 3; n++) await deposit(url, service.token, owner.id, 10 + n);
    }
    const page = await feed(ten.master.token, { first: 2 });
    expect(await feed(one.master.token, { first: 2, after: page.pageInfo.endCursor })).toEqual({
      __typename: "InvalidCursorError",
      code: "INVALID_CURSOR",
    });
    const count = async (token: string) => (await countStatements(db, () => feed(token, { first: 20 }))).count;
    await count(one.master.token); // warm the cursor key
    const a = await count(one.master.token);
    const b = await count(ten.master.token);
    expect(b).toBe(a);
    expect((await feed(ten.master.token, { first: 20 })).edges).toHaveLength(20);
  });
});
