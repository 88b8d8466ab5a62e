import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, deposit, openWalletServer, recordSale } from "../helpers/money.ts";

type Page = {
  __typename: string;
  pageInfo?: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null };
  nodes?: { id: number; type: string }[];
  totalCount?: number;
  reason?: string;
  argument?: string;
  message?: string;
};

const QUERY = `query($first: Int, $after: String, $last: Int, $before: String, $order: TransactionOrder, $filter: TransactionFilter) {
  viewer { wallet { transactions(first: $first, after: $after, last: $last, before: $before, order: $order, filter: $filter) {
    __typename
    ... on TransactionConnection { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id: legacyId type } }
    ... on InvalidCursorError { reason argument message }
    ... on ValidationError { message } } } } }`;

describe("ledger keyset pagination", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  async function page(token: string, variables: Record<string, unknown>): Promise<Page> {
    const res = await gql<{ viewer: { wallet: { transactions: Page } } }>(url, QUERY, { token, variables });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.viewer.wallet.transactions;
  }

  /** A creator with `n` visible entries (deposits and cashouts, whose pending legs are hidden). */
  async function creatorWithEntries(n: number) {
    const creator = await createCreator(db);
    for (let i = 0; i < n; i++) await deposit(url, service.token, creator.id, 100 + i);
    return creator;
  }

  async function walk(token: string, order: "DATE_DESC" | "DATE_ASC", size: number, between?: () => Promise<void>) {
    const seen: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const p = await page(token, { first: size, after, order });
      seen.push(...p.nodes!.map((n) => n.id));
      if (!p.pageInfo!.hasNextPage) return seen;
      after = p.pageInfo!.endCursor;
      await between?.();
    }
    throw new Error("did not finish");
  }

  it("walks every page in both orders, returning each visible entry exactly once", async () => {
    const creator = await creatorWithEntries(23);
    const visible = (
      await db.prisma.ledgerEntry.findMany({ where: { walletId: creator.walletId, visible: true }, orderBy: { id: "desc" } })
    ).map((e) => e.id);
    expect(visible).toHaveLength(23);
    expect(await walk(creator.token, "DATE_DESC", 5)).toEqual(visible);
    expect(await walk(creator.token, "DATE_ASC", 7)).toEqual([...visible].reverse());
    expect((await page(creator.token, { first: 1 })).totalCount).toBe(23);
  });

  it("never duplicates or skips rows while new entries are inserted between pages", async () => {
    const creator = await creatorWithEntries(12);
    const before = (await db.prisma.ledgerEntry.findMany({ where: { walletId: creator.walletId }, orderBy: { id: "asc" } })).map(
      (e) => e.id,
    );
    let inserted = 0;
    const insert = async () => {
      await deposit(url, service.token, creator.id, 1);
      await recordSale(url, service.token, creator.id, 2);
      inserted += 2;
    };
    const desc = await walk(creator.token, "DATE_DESC", 4, insert);
    expect(desc).toEqual([...before].reverse()); // newer rows sort before the cursor: never seen, nothing skipped
    const asc = await walk(creator.token, "DATE_ASC", 5, insert);
    expect(new Set(asc).size).toBe(asc.length);
    expect(asc.slice(0, before.length)).toEqual(before); // the old rows, in order, then the new ones
    const all = (
      await db.prisma.ledgerEntry.findMany({ where: { walletId: creator.walletId, visible: true }, orderBy: { id: "asc" } })
    ).map((e) => e.id);
    expect(asc).toEqual(all.slice(0, asc.length));
    expect(inserted).toBeGreaterThan(0);
  });

  it("pages backwards with last/before", async () => {
    const creator = await creatorWithEntries(9);
    const forward = await walk(creator.token, "DATE_DESC", 9);
    const tail = await page(creator.token, { first: 9 });
    const lastTwo = await page(creator.token, { last: 2, before: tail.pageInfo!.endCursor });
    expect(lastTwo.nodes!.map((n) => n.id)).toEqual(forward.slice(6, 8));
    expect(lastTwo.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const firstTwo = await page(creator.token, {
      last: 2,
      before: (await page(creator.token, { first: 3 })).pageInfo!.endCursor,
    });
    expect(firstTwo.nodes!.map((n) => n.id)).toEqual(forward.slice(0, 2));
    expect(firstTwo.pageInfo!.hasPreviousPage).toBe(false);
  });

  it("filters by type, uuid and date range, and binds cursors to their filter", async () => {
    const creator = await creatorWithEntries(3);
    const sale = await recordSale(url, service.token, creator.id, 55);
    const sales = await page(creator.token, { first: 10, filter: { types: ["SALE"] } });
    expect(sales.nodes).toEqual([{ id: sale.sale.id, type: "SALE" }]);
    expect((await page(creator.token, { first: 10, filter: { uuid: sale.sale.uuid } })).nodes).toEqual([
      { id: sale.sale.id, type: "SALE" },
    ]);
    expect((await page(creator.token, { first: 10, filter: { from: "2999-01-01T00:00:00Z" } })).nodes).toEqual([]);
    expect((await page(creator.token, { first: 10, filter: { to: "2000-01-01T00:00:00Z" } })).totalCount).toBe(0);
    const cursor = (await page(creator.token, { first: 1 })).pageInfo!.endCursor;
    expect(await page(creator.token, { first: 1, after: cursor, filter: { types: ["DEPOSIT"] } })).toMatchObject({
      __typename: "InvalidCursorError",
      reason: "FILTER_MISMATCH",
      argument: "AFTER",
    });
  });

  it("rejects a tampered cursor, a cursor from the other order, and bad page sizes with typed errors", async () => {
    const creator = await creatorWithEntries(4);
    const cursor = (await page(creator.token, { first: 2 })).pageInfo!.endCursor as string;
    const [body, signature] = cursor.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), i: 1 })).toString(
      "base64url",
    );
    expect(await page(creator.token, { first: 2, after: `${forged}.${signature}` })).toEqual({
      __typename: "InvalidCursorError",
      reason: "MALFORMED",
      argument: "AFTER",
      message: "The after cursor is not valid",
    });
    expect(await page(creator.token, { first: 2, after: "not-a-cursor" })).toMatchObject({
      __typename: "InvalidCursorError",
      reason: "MALFORMED",
    });
    expect(await page(creator.token, { first: 2, after: cursor, order: "DATE_ASC" })).toEqual({
      __typename: "InvalidCursorError",
      reason: "ORDER_MISMATCH",
      argument: "AFTER",
      message: "The after cursor was issued for the other sort order: restart pagination",
    });
    expect(await page(creator.token, { first: 101 })).toEqual({
      __typename: "ValidationError",
      message: "first: must be between 1 and 100",
    });
  });

  it("never lists internal entries (RELEASE_PENDING, the hidden legs of transfers)", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 300);
    const cashout = await gql<{ requestCashout: { payout: { id: number } } }>(
      url,
      "mutation { requestCashout(input: {}) { ... on RequestCashoutPayload { payout { id: legacyId } } } }",
      { token: creator.token },
    );
    await gql(
      url,
      `mutation { settlePayout(input: { payoutId: ${cashout.body.data!.requestCashout.payout.id}, status: PAID }) { __typename } }`,
      { token: service.token },
    );
    const all = await page(creator.token, { first: 100 });
    expect(all.nodes!.map((n) => n.type)).toEqual(["CASHOUT", "DEPOSIT"]);
    expect(await db.prisma.ledgerEntry.count({ where: { walletId: creator.walletId } })).toBe(4);
  });
});
