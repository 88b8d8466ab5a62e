import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { DEFAULT_MONEY_LIMITS } from "../../src/modules/money-limits.ts";
import { unitsFromMinor } from "../../src/rest/formatting.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, deposit, openWalletServer, walletOf } from "../helpers/money.ts";

const { maxMovementMinor: MAX_MOVE, maxBucketMinor: MAX_BUCKET } = DEFAULT_MONEY_LIMITS;
const DEPOSIT = `mutation($input: BalanceAdjustmentInput!) { recordDeposit(input: $input) {
  __typename ... on AmountLimitError { code message what limit { amount formatted currency { code } } } } }`;

describe("money bounds: a maximum per movement and per bucket, refused before anything is written", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const entriesOf = (accountId: number) => db.prisma.ledgerEntry.count({ where: { wallet: { accountId } } });

  it("accepts a movement of exactly the maximum and refuses one minor unit more, or 2^53-1", async () => {
    const me = await createCreator(db);
    expect((await deposit(url, service.token, me.id, MAX_MOVE)).__typename).toBe("RecordDepositPayload");
    for (const amount of [MAX_MOVE + 1, Number.MAX_SAFE_INTEGER]) {
      const res = await gql(url, DEPOSIT, {
        token: service.token,
        variables: { input: { accountId: me.id, amount, externalId: randomUUID() } },
      });
      expect(res).toEqual({
        status: 200,
        body: {
          data: {
            recordDeposit: {
              __typename: "AmountLimitError",
              code: "AMOUNT_LIMIT_EXCEEDED",
              message: `An amount may be at most ${MAX_MOVE} minor units`,
              what: "MOVEMENT",
              limit: { amount: MAX_MOVE, formatted: "$1,000,000,000.00", currency: { code: "USD" } },
            },
          },
        },
      });
    }
    expect((await walletOf(url, me.token)).available).toBe(MAX_MOVE);
    expect(await entriesOf(me.id)).toBe(1);
  });

  it("fills a bucket to exactly its maximum, refuses the next minor unit, and renders it exactly in the Studio feed", async () => {
    const me = await createCreator(db);
    const steps = MAX_BUCKET / MAX_MOVE; // 100 deposits of the maximum movement
    for (let i = 0; i < steps - 1; i++) await deposit(url, service.token, me.id, MAX_MOVE);
    await deposit(url, service.token, me.id, MAX_MOVE - 1);
    await deposit(url, service.token, me.id, 1);
    expect((await walletOf(url, me.token)).available).toBe(MAX_BUCKET);
    const over = await gql(url, DEPOSIT, {
      token: service.token,
      variables: { input: { accountId: me.id, amount: 1, externalId: randomUUID() } },
    });
    expect(over.body.data).toEqual({
      recordDeposit: {
        __typename: "AmountLimitError",
        code: "AMOUNT_LIMIT_EXCEEDED",
        message: `This would take a balance above its maximum of ${MAX_BUCKET} minor units`,
        what: "BALANCE",
        limit: { amount: MAX_BUCKET, formatted: "$100,000,000,000.00", currency: { code: "USD" } },
      },
    });
    expect(await entriesOf(me.id)).toBe(steps + 1);
    const feed = await fetch(`${url}/api/external/v1/account/wallet/transactions?limit=2`, {
      headers: { "x-api-key": me.token },
    });
    const text = await feed.text();
    // 99,999,999,999.99 and 100,000,000,000.00 exactly, as JSON numbers.
    expect(text).toContain('"amount":0.01,"balance_after":100000000000');
    expect(text).toContain('"amount":999999999.99,"balance_after":99999999999.99');
    // The report and the legacy wallet read it too.
    expect((await fetch(`${url}/api/wallet`, { headers: { authorization: `Bearer ${me.token}` } })).status).toBe(200);
    expect((await fetch(`${url}/api/stats/transactions`, { headers: { authorization: `Bearer ${me.token}` } })).status).toBe(200);
  });

  it("refuses to render a number of more than 15 significant digits rather than print it a cent off", () => {
    expect(unitsFromMinor(MAX_BUCKET * 11 - 1, 2)).toBe(1_099_999_999_999.99);
    expect(() => unitsFromMinor(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });
});
