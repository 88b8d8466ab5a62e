import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { reconcile } from "../../src/modules/ledger/reconcile.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, deposit, mutate, openWalletServer } from "../helpers/money.ts";

const cashoutOverRest = (url: string, token: string, key?: string) =>
  fetch(`${url}/api/wallet/cashout`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(key ? { "idempotency-key": key } : {}) },
  }).then(async (res) => ({ status: res.status, body: await res.json() }));

describe("concurrent and repeated money requests", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("200 concurrent cashouts on one wallet: exactly one payout of the whole balance, every other 'No available funds' or busy", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 123_456);
    const results = await Promise.all(Array.from({ length: 200 }, () => cashoutOverRest(url, creator.token)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toEqual([{ status: 200, body: { success: true, errors_message: null, data: "Cashout created successfully" } }]);
    // The others queue on the wallet; whoever waits longer than the queue allows is told to retry.
    const others = new Set(results.filter((r) => r.status !== 200).map((r) => JSON.stringify([r.status, r.body])));
    const expected = [
      JSON.stringify([422, { success: false, errors_message: "No available funds", data: null }]),
      JSON.stringify([
        409,
        { success: false, errors_message: "This wallet is busy with another request: retry shortly.", data: null },
      ]),
    ];
    expect([...others].filter((o) => !expected.includes(o))).toEqual([]);
    expect(others.has(expected[0]!)).toBe(true);
    const payouts = await db.prisma.payout.findMany({ where: { walletId: creator.walletId } });
    expect(payouts.map((p) => [p.amount, p.status])).toEqual([[123_456n, "REQUESTED"]]);
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { id: creator.walletId } });
    expect([wallet.available, wallet.pending]).toEqual([0n, 123_456n]);
    expect(await reconcile(db.prisma, { walletIds: [creator.walletId] })).toEqual({
      walletsChecked: 1,
      mismatches: [],
      rollupMismatches: [],
    });
  });

  it("replays the first result for the same Idempotency-Key, sequentially", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 500);
    const key = randomUUID();
    const first = await cashoutOverRest(url, creator.token, key);
    await deposit(url, service.token, creator.id, 70); // new money: a replay must not cash it out
    const again = await cashoutOverRest(url, creator.token, key);
    expect(first).toEqual({ status: 200, body: { success: true, errors_message: null, data: "Cashout created successfully" } });
    expect(again).toEqual(first);
    const payouts = await db.prisma.payout.findMany({ where: { walletId: creator.walletId } });
    expect(payouts.map((p) => p.amount)).toEqual([500n]);
    expect((await db.prisma.wallet.findUniqueOrThrow({ where: { id: creator.walletId } })).available).toBe(70n);
    // A new key is a new request.
    expect((await cashoutOverRest(url, creator.token, randomUUID())).status).toBe(200);
    expect(await db.prisma.payout.count({ where: { walletId: creator.walletId } })).toBe(2);
  });

  it("replays a refusal too: the same key keeps answering 'No available funds' after money arrives", async () => {
    const creator = await createCreator(db);
    const key = randomUUID();
    expect((await cashoutOverRest(url, creator.token, key)).status).toBe(422);
    await deposit(url, service.token, creator.id, 900);
    expect(await cashoutOverRest(url, creator.token, key)).toEqual({
      status: 422,
      body: { success: false, errors_message: "No available funds", data: null },
    });
    expect(await db.prisma.payout.count({ where: { walletId: creator.walletId } })).toBe(0);
  });

  it("the same key used concurrently creates one payout; duplicates answer 409 or the replay", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 4_000);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => cashoutOverRest(url, creator.token, key)));
    for (const r of results) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) {
        expect(r.body).toEqual({
          success: false,
          errors_message: "A request with this idempotency key is still in progress",
          data: null,
        });
      }
    }
    expect(results.some((r) => r.status === 200)).toBe(true);
    expect((await db.prisma.payout.findMany({ where: { walletId: creator.walletId } })).map((p) => p.amount)).toEqual([4_000n]);
  });

  it("the same external id with a different input is refused and writes nothing (service writes)", async () => {
    const creator = await createCreator(db);
    const externalId = randomUUID();
    const sale = (amount: number) =>
      mutate(
        url,
        service.token,
        `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename
        ... on RecordSalePayload { sale { id: legacyId amount { amount } } } ... on IdempotencyConflictError { reason message } } }`,
        {
          input: { accountId: creator.id, amount, externalId },
        },
      );
    const first = await sale(250);
    expect(await sale(250)).toEqual(first); // same input: replayed, same entry
    expect(await sale(999)).toEqual({
      __typename: "IdempotencyConflictError",
      reason: "KEY_REUSED",
      message: "This idempotency key was already used with a different request",
    });
    const entries = await db.prisma.ledgerEntry.findMany({ where: { walletId: creator.walletId } });
    expect(entries.map((e) => e.amount)).toEqual([250n]);
  });

  it("scopes keys per account: two creators may use the same key", async () => {
    const [a, b] = [await createCreator(db), await createCreator(db)];
    await deposit(url, service.token, a.id, 10);
    await deposit(url, service.token, b.id, 20);
    const key = randomUUID();
    expect((await cashoutOverRest(url, a.token, key)).status).toBe(200);
    expect((await cashoutOverRest(url, b.token, key)).status).toBe(200);
    const record = await db.prisma.idempotencyRecord.findFirstOrThrow({ where: { accountId: a.id, key } });
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBeGreaterThanOrEqual(24 * 3600_000);
    // Each account got its own payout under the shared key.
    for (const [who, amount] of [
      [a, 10n],
      [b, 20n],
    ] as const) {
      expect((await db.prisma.payout.findMany({ where: { walletId: who.walletId } })).map((p) => p.amount)).toEqual([amount]);
    }
  });
});
