import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

/** The hot read: buckets, a page of entries and has-next. With a `directive` on the page, the one-statement path stands aside (the ordinary path answers). */
const QUERY = (
  directive = "",
) => `query($first: Int, $after: String) { viewer { wallet { available { amount } hold { amount } pending { amount }
  transactions(first: $first, after: $after) ${directive} { __typename ... on TransactionConnection {
    edges { cursor node { id: legacyId amount { amount } balanceAfter { amount } type createdAt } }
    pageInfo { hasNextPage hasPreviousPage endCursor } }
    ... on InvalidCursorError { reason argument } ... on ValidationError { message } } } } }`;

type Wallet = {
  available: { amount: number };
  transactions: {
    __typename: string;
    edges?: { cursor: string; node: { id: number; amount: { amount: number } } }[];
    pageInfo?: { hasNextPage: boolean; endCursor: string };
    reason?: string;
  };
};

describe("the viewer's wallet and its page in one statement", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  async function read(token: string, variables: Record<string, unknown>, directive = "") {
    const { result, statements } = await countStatements(db, () =>
      gql<{ viewer: { wallet: Wallet } }>(url, QUERY(directive), { token, variables }),
    );
    expect(result.body.errors).toBeUndefined();
    return { wallet: result.body.data!.viewer.wallet, statements };
  }

  async function creatorWith(amounts: number[]) {
    const creator = await createCreator(db);
    for (const amount of amounts) await deposit(url, service.token, creator.id, amount);
    // Warm-up: the token is read once, then kept; the cursor key is read once per process.
    await gql(url, "{ viewer { wallet { transactions(first: 1) { __typename } } } }", { token: creator.token });
    return creator;
  }

  it("answers buckets + page + has-next with one statement, exactly as the ordinary path does with two", async () => {
    const creator = await creatorWith([5, 6, 7, 8]);
    const hot = await read(creator.token, { first: 3 });
    const ordinary = await read(creator.token, { first: 3 }, "@include(if: true)");
    expect(hot.statements, hot.statements.join("\n---\n")).toHaveLength(1);
    expect(hot.statements[0]).toMatch(/AS page\s+FROM wallets w WHERE/);
    // The page size is in the text (a LIMIT parameter would make PostgreSQL plan it at every execution).
    expect(hot.statements[0]).toMatch(/ORDER BY e\.created_at DESC, e\.id DESC LIMIT 4\)/);
    expect(ordinary.statements).toHaveLength(2);
    expect(hot.wallet.available.amount).toBe(26);
    expect(hot.wallet.transactions.edges!.map((e) => e.node.amount.amount)).toEqual([8, 7, 6]);
    expect(hot.wallet.transactions.pageInfo!.hasNextPage).toBe(true);
    expect(hot.wallet).toEqual(ordinary.wallet);
  });

  it("pages on with a cursor in one statement too, to the same entries", async () => {
    const creator = await creatorWith([1, 2, 3, 4, 5]);
    const first = await read(creator.token, { first: 2 });
    const after = first.wallet.transactions.pageInfo!.endCursor;
    const hot = await read(creator.token, { first: 2, after });
    const ordinary = await read(creator.token, { first: 2, after }, "@include(if: true)");
    expect(hot.statements, hot.statements.join("\n---\n")).toHaveLength(1);
    expect(hot.wallet.transactions.edges!.map((e) => e.node.amount.amount)).toEqual([3, 2]);
    expect(hot.wallet).toEqual(ordinary.wallet);
    const last = await read(creator.token, { first: 2, after: hot.wallet.transactions.pageInfo!.endCursor });
    expect(last.wallet.transactions.edges!.map((e) => e.node.amount.amount)).toEqual([1]);
    expect(last.wallet.transactions.pageInfo!.hasNextPage).toBe(false);
  });

  it("still refuses another wallet's cursor, a tampered one and a page too large, with the same typed errors", async () => {
    const mine = await creatorWith([1, 2, 3]);
    const theirs = await creatorWith([9, 9, 9]);
    const foreign = (await read(theirs.token, { first: 1 })).wallet.transactions.pageInfo!.endCursor;
    for (const directive of ["", "@include(if: true)"]) {
      expect((await read(mine.token, { first: 1, after: foreign }, directive)).wallet.transactions).toEqual({
        __typename: "InvalidCursorError",
        reason: "FILTER_MISMATCH",
        argument: "AFTER",
      });
      expect((await read(mine.token, { first: 1, after: `${foreign}x` }, directive)).wallet.transactions).toEqual({
        __typename: "InvalidCursorError",
        reason: "MALFORMED",
        argument: "AFTER",
      });
      expect((await read(mine.token, { first: 101 }, directive)).wallet.transactions.__typename).toBe("ValidationError");
    }
  });

  it("an empty wallet: its buckets and an empty page, in one statement", async () => {
    const creator = await creatorWith([]);
    const hot = await read(creator.token, { first: 5 });
    expect(hot.statements, hot.statements.join("\n---\n")).toHaveLength(1);
    expect(hot.wallet.available.amount).toBe(0);
    expect(hot.wallet.transactions.edges).toEqual([]);
    expect(hot.wallet.transactions.pageInfo!.hasNextPage).toBe(false);
  });

  it("two pages of different sizes under aliases: each answered, the right entries in each", async () => {
    const creator = await creatorWith([1, 2, 3]);
    const res = await gql<{ viewer: { wallet: Record<string, { nodes: { amount: { amount: number } }[] }> } }>(
      url,
      `{ viewer { wallet { a: transactions(first: 1) { ... on TransactionConnection { nodes { amount { amount } } } }
         b: transactions(first: 2) { ... on TransactionConnection { nodes { amount { amount } } } } } } }`,
      { token: creator.token },
    );
    expect(res.body.data!.viewer.wallet.a!.nodes.map((n) => n.amount.amount)).toEqual([3]);
    expect(res.body.data!.viewer.wallet.b!.nodes.map((n) => n.amount.amount)).toEqual([3, 2]);
  });

  it("the Studio feed: wallet and page in one statement, its currency read once per process", async () => {
    const creator = await createCreator(db);
    for (const amount of [250, 100]) await deposit(url, service.token, creator.id, amount);
    const feed = () =>
      countStatements(db, async () => {
        const res = await fetch(`${url}/api/external/v1/account/wallet/transactions?limit=20`, {
          headers: { authorization: `Bearer ${creator.token}` },
        });
        return (await res.json()) as { data: { amount: number }[] };
      });
    const first = await feed(); // reads the token and the currency, then keeps both
    const second = await feed();
    expect(first.result.data.map((e) => e.amount)).toEqual([1, 2.5]);
    expect(second.result).toEqual(first.result);
    expect(second.statements).toHaveLength(1);
    expect(second.statements[0]).toMatch(/AS page\s+FROM wallets w WHERE/);
    expect(first.statements.filter((s) => /"currencies"/.test(s))).toHaveLength(1);
  });

  it("the legacy wallet (GET /api/wallet): wallet and numbered page in one statement, the same answer as the ordinary path, an empty page and a bad page as before", async () => {
    const creator = await createCreator(db);
    for (const amount of [1, 2, 3, 4, 5]) await deposit(url, service.token, creator.id, amount);
    const legacy = (query: string) =>
      countStatements(db, async () => {
        const res = await fetch(`${url}/api/wallet${query}`, { headers: { authorization: `Bearer ${creator.token}` } });
        return { status: res.status, body: (await res.json()) as { data: { transactions: Record<string, unknown> } } };
      });
    await legacy("?limit=2"); // reads the token, then keeps it
    const hot = await legacy("?limit=2&page=2");
    expect(hot.statements, hot.statements.join("\n---\n")).toHaveLength(1);
    expect(hot.statements[0]).toMatch(/AS page\s+FROM wallets w WHERE/);
    // A shallow page's size and offset are in the text (parameters would make PostgreSQL plan it at every execution).
    expect(hot.statements[0]).toMatch(/LIMIT 2 OFFSET 2\)/);
    expect(hot.result.status).toBe(200);
    const { data, ...paging } = hot.result.body.data.transactions as { data: { amount: number }[] };
    expect(data.map((e) => e.amount)).toEqual([3, 2]);
    expect(paging).toEqual({ current_page: 2, per_page: 2, total: 5, last_page: 3 });

    // The same question in GraphQL, once on the one-statement path and once on the ordinary one (two statements).
    const q = (directive: string) => `{ viewer { wallet { available { amount } transactionPage(page: 2, perPage: 2) ${directive} {
      ... on TransactionPage { total currentPage lastPage items { amount { amount } } } ... on ValidationError { message } } } } }`;
    const ask = (directive: string) =>
      countStatements(db, () => gql<{ viewer: { wallet: unknown } }>(url, q(directive), { token: creator.token }));
    const one = await ask("");
    const two = await ask("@include(if: true)");
    expect(one.statements).toHaveLength(1);
    expect(two.statements).toHaveLength(2);
    expect(one.result.body.data!.viewer.wallet).toEqual({
      available: { amount: 15 },
      transactionPage: { total: 5, currentPage: 2, lastPage: 3, items: [{ amount: { amount: 3 } }, { amount: { amount: 2 } }] },
    });
    expect(one.result.body.data).toEqual(two.result.body.data);

    const empty = await gql<{ viewer: { wallet: { transactionPage: unknown } } }>(
      url,
      "{ viewer { wallet { transactionPage(page: 9, perPage: 2) { ... on TransactionPage { total items { id } } } } } }",
      { token: creator.token },
    );
    expect(empty.body.data!.viewer.wallet.transactionPage).toEqual({ total: 5, items: [] });
    // Past the tenth page the offset is a parameter: the same answers.
    const deep = await countStatements(db, () =>
      gql<{ viewer: { wallet: { transactionPage: unknown } } }>(
        url,
        "{ viewer { wallet { transactionPage(page: 12, perPage: 1) { ... on TransactionPage { total lastPage items { id } } } } } }",
        { token: creator.token },
      ),
    );
    expect(deep.statements[0]).toMatch(/LIMIT 1 OFFSET \$\d+\)/);
    expect(deep.result.body.data!.viewer.wallet.transactionPage).toEqual({ total: 5, lastPage: 5, items: [] });
    const bad = await gql<{ viewer: { wallet: { transactionPage: unknown } } }>(
      url,
      "{ viewer { wallet { transactionPage(page: 0) { __typename ... on ValidationError { message } } } } }",
      { token: creator.token },
    );
    expect(bad.body.data!.viewer.wallet.transactionPage).toEqual({
      __typename: "ValidationError",
      message: expect.stringContaining("page"),
    });
  });
});
