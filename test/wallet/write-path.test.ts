import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { reconcile } from "../../src/modules/ledger/reconcile.ts";
import { requestHash } from "../../src/modules/wallet/idempotency-outcome.ts";
import { walletLanes } from "../../src/modules/wallet/wallet-lanes.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, deposit, flattenMoney, mutate, openWalletServer } from "../helpers/money.ts";

const SALE = `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename
  ... on RecordSalePayload { sale { id: legacyId amount { amount } bucket } } } }`;
const SALES = `mutation($input: RecordSalesInput!) { recordSales(input: $input) { __typename
  ... on RecordSalesPayload { results { __typename
    ... on RecordSalePayload { sale { id: legacyId amount { amount } externalId } affiliateEarning { amount { amount } } }
    ... on Error { code message } ... on ValidationError { fields { field message } } } }
  ... on Error { code message } } }`;

type Batch = { __typename: string; results?: Item[]; code?: string; message?: string };
type Item = { __typename: string; sale?: { id: number; amount: number; externalId: string }; code?: string; message?: string };

describe("the write path: one statement per movement", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const sales = async (items: Record<string, unknown>[]) => {
    const res = await gql<{ recordSales: { __typename: string; results?: Item[]; code?: string; message?: string } }>(
      url,
      SALES,
      {
        token: service.token,
        variables: { input: { sales: items } },
      },
    );
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return flattenMoney(res.body.data!.recordSales) as Batch;
  };

  it("records a sale with exactly one statement (wallet_move) once the token and wallet are known", async () => {
    const creator = await createCreator(db);
    const input = () => ({ input: { accountId: creator.id, amount: 250, externalId: randomUUID() } });
    await mutate(url, service.token, SALE, input()); // warms the token cache and the account's wallet id
    const { result, statements } = await db.statements.capture(() => mutate(url, service.token, SALE, input()));
    expect(result).toMatchObject({ __typename: "RecordSalePayload", sale: { amount: 250, bucket: "HOLD" } });
    expect(statements).toEqual(["SELECT wallet_move($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) AS answer"]);
  });

  it("records a batch of 100 sales in one statement per part of its wallets, each answered in input order, a referrer paid for each", async () => {
    const referrer = await createCreator(db);
    const creators = [await createCreator(db), await createCreator(db), await createCreator(db)];
    await db.prisma.referral.create({ data: { referrerId: referrer.id, referredId: creators[0]!.id, feeBps: 1000 } });
    // Warms the process's knowledge of these wallets (ids and currencies, which never change).
    await sales(creators.map((c) => ({ accountId: c.id, amount: 1, externalId: randomUUID() })));
    const items = Array.from({ length: 100 }, (_, i) => ({
      accountId: creators[i % 3]!.id,
      amount: 100 + i,
      externalId: `batch-${randomUUID()}`,
    }));
    const { result, statements } = await db.statements.capture(() => sales(items));
    // The wallets are split in 4 parts by id (parts run at once); each part is one statement.
    const parts = new Set(creators.map((c) => c.walletId % 4)).size;
    expect(statements).toEqual(Array(parts).fill("SELECT wallet_move_batch($1, $2, $3, $4::jsonb, $5::jsonb) AS answers"));
    expect(result.results!.map((r) => [r.__typename, r.sale!.amount, r.sale!.externalId])).toEqual(
      items.map((i) => ["RecordSalePayload", i.amount, i.externalId]),
    );
    const holds = await db.prisma.wallet.findMany({ where: { id: { in: creators.map((c) => c.walletId) } } });
    for (const [k, creator] of creators.entries()) {
      const expected = items.filter((_, i) => i % 3 === k).reduce((s, i) => s + i.amount, 0) + 1;
      expect(holds.find((w) => w.id === creator.walletId)!.hold).toBe(BigInt(expected));
    }
    const fees = items.filter((_, i) => i % 3 === 0).reduce((s, i) => s + Math.floor(i.amount / 10), 0); // 10 % of each, rounded down
    expect((await db.prisma.wallet.findUniqueOrThrow({ where: { id: referrer.walletId } })).available).toBe(BigInt(fees));
    expect(await reconcile(db.prisma, { walletIds: [referrer.walletId, ...creators.map((c) => c.walletId)] })).toMatchObject({
      mismatches: [],
      rollupMismatches: [],
    });
  });

  it("refuses a bad sale in its own slot and still writes the others; a repeated key replays, a reused one is refused", async () => {
    const creator = await createCreator(db);
    const key = randomUUID();
    const result = await sales([
      { accountId: creator.id, amount: 10, externalId: key },
      { accountId: creator.id, amount: -5, externalId: randomUUID() },
      { accountId: 2_000_000_000, amount: 10, externalId: randomUUID() },
      { accountId: creator.id, amount: 10, externalId: key },
      { accountId: creator.id, amount: 11, externalId: key },
      { accountId: creator.id, amount: 100_000_000_001, externalId: randomUUID() },
      { accountId: creator.id, amount: 30, externalId: randomUUID() },
    ]);
    const results = result.results!;
    expect(results.map((r) => r.__typename)).toEqual([
      "RecordSalePayload",
      "ValidationError",
      "NotFoundError",
      "RecordSalePayload",
      "IdempotencyConflictError",
      "AmountLimitError",
      "RecordSalePayload",
    ]);
    expect(results[1]).toMatchObject({ fields: [{ field: "sales.1.amount", message: "must be greater than zero" }] });
    expect(results[2]!.message).toBe("Account 2000000000 has no wallet");
    expect(results[3]!.sale).toEqual(results[0]!.sale); // the same key, the same input: the first sale again
    expect(results[4]!.code).toBe("IDEMPOTENCY_CONFLICT");
    const entries = await db.prisma.ledgerEntry.findMany({ where: { walletId: creator.walletId }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.amount)).toEqual([10n, 30n]);
    // The batch and the single mutation share keys: the first sale replays through recordSale too.
    expect(
      await mutate(url, service.token, SALE, { input: { accountId: creator.id, amount: 10, externalId: key } }),
    ).toMatchObject({
      sale: { id: results[0]!.sale!.id },
    });
  });

  it("answers BusyError for the sales of a wallet that stays busy past the wait, and writes the others", async () => {
    const busy = await createCreator(db);
    let free = await createCreator(db);
    while (free.walletId % 4 === busy.walletId % 4) free = await createCreator(db); // another part of the batch
    walletLanes.configure({ timeoutMs: 100 });
    let release!: () => void;
    const holding = walletLanes.run(`wallet:${busy.walletId}`, () => new Promise<void>((r) => (release = r)));
    try {
      const result = await sales([
        { accountId: busy.id, amount: 5, externalId: randomUUID() },
        { accountId: free.id, amount: 6, externalId: randomUUID() },
      ]);
      expect(result.results!.map((r) => [r.__typename, r.code ?? r.sale!.amount])).toEqual([
        ["BusyError", "BUSY"],
        ["RecordSalePayload", 6],
      ]);
    } finally {
      release();
      await holding;
      walletLanes.configure({ timeoutMs: 2_000 });
    }
    expect(await db.prisma.ledgerEntry.count({ where: { walletId: busy.walletId } })).toBe(0);
  });

  it("refuses an empty batch and one over 100 as a whole, writing nothing", async () => {
    const creator = await createCreator(db);
    const many = Array.from({ length: 101 }, () => ({ accountId: creator.id, amount: 1, externalId: randomUUID() }));
    for (const items of [[], many]) {
      expect(await sales(items)).toEqual({
        __typename: "ValidationError",
        code: "VALIDATION_FAILED",
        message: "sales: must list between 1 and 100 sales",
      });
    }
    expect(await db.prisma.ledgerEntry.count({ where: { walletId: creator.walletId } })).toBe(0);
  });

  it("cashes out a balance above the per-movement maximum in one payout, and settles it", async () => {
    const creator = await createCreator(db);
    for (let i = 0; i < 3; i++) await deposit(url, service.token, creator.id, 100_000_000_000); // the per-movement maximum
    const cashout = await fetch(`${url}/api/wallet/cashout`, {
      method: "POST",
      headers: { authorization: `Bearer ${creator.token}` },
    });
    expect([cashout.status, await cashout.json()]).toEqual([
      200,
      { success: true, errors_message: null, data: "Cashout created successfully" },
    ]);
    const [payout] = await db.prisma.payout.findMany({ where: { walletId: creator.walletId } });
    expect(payout!.amount).toBe(300_000_000_000n);
    await mutate(
      url,
      service.token,
      `mutation { settlePayout(input: { payoutId: ${payout!.id}, status: PAID }) { __typename } }`,
    );
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { id: creator.walletId } });
    expect([wallet.available, wallet.pending]).toEqual([0n, 0n]);
  });

  it("answers 409 with Retry-After on every surface while a key's first request is still in flight", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 700);
    const key = randomUUID();
    // A claim another process holds right now (the two-step claim, or a request still running).
    await db.prisma.idempotencyRecord.create({
      data: {
        accountId: creator.id,
        operation: "requestCashout",
        key,
        requestHash: requestHash({}),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const rest = await fetch(`${url}/api/wallet/cashout`, {
      method: "POST",
      headers: { authorization: `Bearer ${creator.token}`, "idempotency-key": key },
    });
    expect([rest.status, rest.headers.get("retry-after"), await rest.json()]).toEqual([
      409,
      "1",
      { success: false, errors_message: "A request with this idempotency key is still in progress", data: null },
    ]);
    const graphql = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${creator.token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: `mutation { requestCashout(input: { idempotencyKey: "${key}" }) { __typename } }` }),
    });
    expect([graphql.status, graphql.headers.get("retry-after"), await graphql.json()]).toMatchObject([
      409,
      "1",
      {
        errors: [
          {
            message: "A request with this idempotency key is still in progress",
            extensions: { code: "IN_PROGRESS", retryAfter: 1 },
          },
        ],
      },
    ]);
    expect(await db.prisma.payout.count({ where: { walletId: creator.walletId } })).toBe(0);
  });

  it("answers duplicates of one key sent at once with the first outcome: one payout, every answer a 200", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 4_000);
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${url}/api/wallet/cashout`, {
          method: "POST",
          headers: { authorization: `Bearer ${creator.token}`, "idempotency-key": key },
        }).then(async (r) => [r.status, await r.json()]),
      ),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify([200, { success: true, errors_message: null, data: "Cashout created successfully" }])]),
    );
    expect((await db.prisma.payout.findMany({ where: { walletId: creator.walletId } })).map((p) => p.amount)).toEqual([4_000n]);
  });
});
