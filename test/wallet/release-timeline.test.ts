import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { postMovement } from "../../src/modules/ledger/ledger.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { mutate, openWalletServer, recordSale, type Service } from "../helpers/money.ts";

const DAY = 86_400_000;
const TIMELINE = `{ viewer { wallet { hold { amount } upcomingReleases(first: 10) { holdPeriodDays total { amount }
  days { date amount { amount } sales } sales { transaction { id: legacyId } amount { amount formatted } availableAt overdue } } } } }`;

type Timeline = {
  holdPeriodDays: number;
  total: { amount: number };
  days: { date: string; amount: { amount: number }; sales: number }[];
  sales: { transaction: { id: number }; amount: { amount: number; formatted: string }; availableAt: string; overdue: boolean }[];
};

describe("release timeline: when held money becomes available, as hold-release will do it", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const timelineOf = async (token: string) => {
    const res = await gql<{ viewer: { wallet: { hold: { amount: number }; upcomingReleases: Timeline } } }>(url, TIMELINE, {
      token,
    });
    return res.body.data!.viewer.wallet;
  };

  it("lists every held sale with sale time + hold period, daily totals, and agrees with the next hold-release run", async () => {
    const me = await createCreator(db);
    const now = Date.now();
    const sales = [
      { amount: 300n, at: new Date(now - 8 * DAY) }, // overdue: the next run releases it
      { amount: 200n, at: new Date(now - 5 * DAY) },
      { amount: 100n, at: new Date(now - 5 * DAY + 60_000) },
      { amount: 50n, at: new Date(now - 1 * DAY) },
    ];
    const ids: number[] = [];
    for (const s of sales) {
      const { entries } = await db.prisma.$transaction((tx) =>
        postMovement(tx, {
          walletId: me.walletId,
          at: s.at,
          lines: [
            { bucket: "HOLD", amount: s.amount, type: "SALE", status: "PENDING", title: "Old sale", externalId: randomUUID() },
          ],
        }),
      );
      ids.push(entries[0]!.id);
    }
    const released = await recordSale(url, service.token, me.id, 999); // a sale now, then refunded: its hold is closed
    await mutate(url, service.token, `mutation($input: SaleReversalInput!) { recordRefund(input: $input) { __typename } }`, {
      input: { saleUuid: released.sale.uuid, externalId: randomUUID() },
    });

    const availableAt = sales.map((s) => new Date(s.at.getTime() + 7 * DAY));
    const before = await timelineOf(me.token);
    expect(before.hold.amount).toBe(650);
    expect(before.upcomingReleases).toEqual({
      holdPeriodDays: 7,
      total: { amount: 650 },
      days: [
        { date: availableAt[0]!.toISOString().slice(0, 10), amount: { amount: 300 }, sales: 1 },
        ...(availableAt[1]!.toISOString().slice(0, 10) === availableAt[2]!.toISOString().slice(0, 10)
          ? [{ date: availableAt[1]!.toISOString().slice(0, 10), amount: { amount: 300 }, sales: 2 }]
          : [
              { date: availableAt[1]!.toISOString().slice(0, 10), amount: { amount: 200 }, sales: 1 },
              { date: availableAt[2]!.toISOString().slice(0, 10), amount: { amount: 100 }, sales: 1 },
            ]),
        { date: availableAt[3]!.toISOString().slice(0, 10), amount: { amount: 50 }, sales: 1 },
      ],
      sales: sales.map((s, i) => ({
        transaction: { id: ids[i] },
        amount: { amount: Number(s.amount), formatted: `$${(Number(s.amount) / 100).toFixed(2)}` },
        availableAt: availableAt[i]!.toISOString(),
        overdue: i === 0,
      })),
    });

    // hold-release with the same hold period moves exactly the overdue sales.
    const run = await mutate<{ salesReleased: number; amountsReleased: { amount: number }[] }>(
      url,
      service.token,
      `mutation($id: Int) { releaseHolds(input: { accountId: $id }) { ... on ReleaseHoldsPayload { salesReleased amountsReleased { amount } } } }`,
      { id: me.id },
    );
    const overdue = before.upcomingReleases.sales.filter((s) => s.overdue);
    expect(run).toEqual({ salesReleased: overdue.length, amountsReleased: [overdue.reduce((n, s) => n + s.amount.amount, 0)] });
    const after = await timelineOf(me.token);
    expect(after.upcomingReleases.sales.map((s) => s.transaction.id)).toEqual(ids.slice(1));
    expect(after.upcomingReleases.total.amount).toBe(after.hold.amount);
    expect(after.upcomingReleases.total.amount).toBe(350);
  });

  it("lists at most `first` sales but totals all of them; refuses first outside 1-100", async () => {
    const me = await createCreator(db);
    for (let i = 0; i < 3; i++) await recordSale(url, service.token, me.id, 10 + i);
    const res = await gql<{ viewer: { wallet: { upcomingReleases: { total: { amount: number }; sales: unknown[] } } } }>(
      url,
      `{ viewer { wallet { upcomingReleases(first: 2) { total { amount } sales { overdue } } } } }`,
      { token: me.token },
    );
    expect(res.body.data!.viewer.wallet.upcomingReleases).toEqual({
      total: { amount: 33 },
      sales: [{ overdue: false }, { overdue: false }],
    });
    const bad = await gql(url, `{ viewer { wallet { upcomingReleases(first: 0) { total { amount } } } } }`, { token: me.token });
    expect(bad.body.errors?.[0]).toMatchObject({
      message: "first: must be between 1 and 100",
      extensions: { code: "VALIDATION_FAILED" },
    });
  });
});
