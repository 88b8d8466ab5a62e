import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { reconcile } from "../../src/modules/ledger/reconcile.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import {
  ENTRY_FIELDS,
  type Service,
  createService,
  deposit,
  mutate,
  openWalletServer,
  recordSale,
  releaseAll,
  walletOf,
  flattenMoney,
} from "../helpers/money.ts";

const CASHOUT = `mutation($key: String) { requestCashout(input: { idempotencyKey: $key }) { __typename
  ... on RequestCashoutPayload { payout { id: legacyId amount { amount } status } } ... on Error { code message } } }`;
const SETTLE = `mutation($input: SettlePayoutInput!) { settlePayout(input: $input) { __typename
  ... on SettlePayoutPayload { payout { id: legacyId amount { amount } status failureCode } } ... on Error { code message } } }`;
const REVERSE = (field: string) => `mutation($input: SaleReversalInput!) { ${field}(input: $input) { __typename
  ... on ${field.charAt(0).toUpperCase()}${field.slice(1)}Payload { transaction { ${ENTRY_FIELDS} } } ... on Error { code message } } }`;

describe("money movements through GraphQL", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const entriesOf = async (walletId: number) =>
    (await db.prisma.ledgerEntry.findMany({ where: { walletId }, orderBy: { id: "asc" } })).map((e) => [
      e.type,
      e.bucket,
      e.amount,
      e.balanceAfter,
      e.visible,
    ]);
  const consistent = async (...walletIds: number[]) =>
    expect(await reconcile(db.prisma, { walletIds })).toEqual({
      walletsChecked: walletIds.length,
      mismatches: [],
      rollupMismatches: [],
    });

  it("a sale credits hold, bumps the product counters, and pays a referrer its fee without reducing the creator's credit", async () => {
    const [referrer, creator] = [await createCreator(db), await createCreator(db)];
    await db.prisma.referral.create({ data: { referrerId: referrer.id, referredId: creator.id, feeBps: 450 } });
    const product = await db.prisma.product.create({
      data: { accountId: creator.id, title: "Photo set", price: 1999n, mediaComplete: true },
    });
    const result = await mutate(
      url,
      service.token,
      `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename
      ... on RecordSalePayload { sale { amount { amount } bucket balanceAfter { amount } type status title } affiliateEarning { amount { amount } bucket type title } } } }`,
      {
        input: { accountId: creator.id, amount: 1999, productId: product.id, externalId: randomUUID() },
      },
    );
    expect(result).toEqual({
      __typename: "RecordSalePayload",
      sale: { amount: 1999, bucket: "HOLD", balanceAfter: 1999, type: "SALE", status: "PENDING", title: "Unlock: Photo set" },
      affiliateEarning: { amount: 89, bucket: "AVAILABLE", type: "AFFILIATE_EARNING", title: "Referral revenue" }, // 4.5% of 1999 = 89.955, rounded down
    });
    expect(await walletOf(url, creator.token)).toEqual({
      available: 0,
      hold: 1999,
      pending: 0,
      total: 1999,
      referralRevenue: 0,
      cashoutAvailable: false,
    });
    expect(await walletOf(url, referrer.token)).toEqual({
      available: 89,
      hold: 0,
      pending: 0,
      total: 89,
      referralRevenue: 89,
      cashoutAvailable: true,
    });
    const counters = await db.prisma.product.findUniqueOrThrow({ where: { id: product.id } });
    expect([counters.unlockCount, counters.earnings]).toEqual([1n, 1999n]);
    const rollup = await db.prisma.dashboardRollup.findUniqueOrThrow({ where: { accountId: creator.id } });
    expect([rollup.unlocks, rollup.productRevenue]).toEqual([1n, 1999n]);
    await consistent(creator.walletId, referrer.walletId);
  });

  it("releases holds only after the hold period, once", async () => {
    const creator = await createCreator(db);
    await recordSale(url, service.token, creator.id, 500);
    const notYet = await mutate(
      url,
      service.token,
      `mutation($id: Int) { releaseHolds(input: { accountId: $id }) { ... on ReleaseHoldsPayload { salesReleased } } }`,
      { id: creator.id },
    );
    expect(notYet).toEqual({ salesReleased: 0 }); // default hold period: 7 days
    expect(await releaseAll(url, service.token, creator.id)).toEqual({
      __typename: "ReleaseHoldsPayload",
      walletsReleased: 1,
      salesReleased: 1,
      amountsReleased: [{ amount: 500, currency: { code: "USD" } }],
    });
    expect(await releaseAll(url, service.token, creator.id)).toEqual({
      __typename: "ReleaseHoldsPayload",
      walletsReleased: 0,
      salesReleased: 0,
      amountsReleased: [],
    });
    expect(await walletOf(url, creator.token)).toMatchObject({ available: 500, hold: 0, total: 500 });
    expect(await entriesOf(creator.walletId)).toEqual([
      ["SALE", "HOLD", 500n, 500n, true],
      ["HOLD_RELEASE", "HOLD", -500n, 0n, false],
      ["HOLD_RELEASE", "AVAILABLE", 500n, 500n, true],
    ]);
    await consistent(creator.walletId);
  });

  it("cashes out the whole available balance to pending; PAID leaves pending through the internal RELEASE_PENDING entry", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 1234);
    const cashout = await mutate<{ payout: { id: number } }>(url, creator.token, CASHOUT);
    expect(cashout).toMatchObject({ __typename: "RequestCashoutPayload", payout: { amount: 1234, status: "REQUESTED" } });
    expect(await walletOf(url, creator.token)).toMatchObject({
      available: 0,
      pending: 1234,
      total: 1234,
      cashoutAvailable: false,
    });
    const paid = await mutate(url, service.token, SETTLE, { input: { payoutId: cashout.payout.id, status: "PAID" } });
    expect(paid).toEqual({
      __typename: "SettlePayoutPayload",
      payout: { id: cashout.payout.id, amount: 1234, status: "PAID", failureCode: null },
    });
    expect(await walletOf(url, creator.token)).toMatchObject({ available: 0, pending: 0, total: 0 });
    expect(await mutate(url, service.token, SETTLE, { input: { payoutId: cashout.payout.id, status: "PAID" } })).toMatchObject({
      payout: { status: "PAID" },
    });
    expect(await mutate(url, service.token, SETTLE, { input: { payoutId: cashout.payout.id, status: "FAILED" } })).toEqual({
      __typename: "ConflictError",
      code: "CONFLICT",
      message: `Payout ${cashout.payout.id} is already PAID`,
    });
    const list = await gql<{ viewer: { wallet: { transactions: { nodes: { type: string; amount: number }[] } } } }>(
      url,
      "{ viewer { wallet { transactions(first: 10) { ... on TransactionConnection { nodes { type amount { amount } } } } } } }",
      { token: creator.token },
    );
    expect(flattenMoney(list.body.data?.viewer.wallet.transactions.nodes)).toEqual([
      { type: "CASHOUT", amount: -1234 },
      { type: "DEPOSIT", amount: 1234 },
    ]);
    await consistent(creator.walletId);
  });

  it("refuses a provider id another payout carries, even from another caller, and settles nothing", async () => {
    const otherService = await createService(db);
    const [a, b] = [await createCreator(db), await createCreator(db)];
    await deposit(url, service.token, a.id, 500);
    await deposit(url, service.token, b.id, 700);
    const first = await mutate<{ payout: { id: number } }>(url, a.token, CASHOUT);
    const second = await mutate<{ payout: { id: number } }>(url, b.token, CASHOUT);
    const externalId = `po_${randomUUID()}`;
    const settle = (token: string, payoutId: number) =>
      mutate(url, token, SETTLE, { input: { payoutId, status: "PAID", externalId } });
    expect(await settle(service.token, first.payout.id)).toMatchObject({ payout: { status: "PAID" } });
    expect(await settle(otherService.token, second.payout.id)).toEqual({
      __typename: "ValidationError",
      code: "VALIDATION_FAILED",
      message: "externalId: is already used by another payout",
    });
    expect(await walletOf(url, b.token)).toMatchObject({ available: 0, pending: 700 });
    await consistent(b.walletId);
  });

  it("a FAILED payout returns the money to available with a visible reversing entry and its failure code", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 800);
    const cashout = await mutate<{ payout: { id: number } }>(url, creator.token, CASHOUT);
    const failed = await mutate(url, service.token, SETTLE, {
      input: { payoutId: cashout.payout.id, status: "FAILED", failureCode: "account_closed" },
    });
    expect(failed).toMatchObject({ payout: { status: "FAILED", failureCode: "account_closed" } });
    expect(await walletOf(url, creator.token)).toMatchObject({ available: 800, pending: 0 });
    const last = await db.prisma.ledgerEntry.findFirstOrThrow({
      where: { walletId: creator.walletId, visible: true },
      orderBy: { id: "desc" },
    });
    expect([last.type, last.bucket, last.amount, last.description, last.payoutId]).toEqual([
      "PAYOUT_FAILED",
      "AVAILABLE",
      800n,
      "account_closed",
      cashout.payout.id,
    ]);
    await consistent(creator.walletId);
  });

  it("answers NoAvailableFundsError and writes nothing when nothing is available", async () => {
    const creator = await createCreator(db);
    await recordSale(url, service.token, creator.id, 300); // on hold: not available
    expect(await mutate(url, creator.token, CASHOUT)).toEqual({
      __typename: "NoAvailableFundsError",
      code: "NO_AVAILABLE_FUNDS",
      message: "No available funds",
    });
    expect(await db.prisma.payout.count({ where: { walletId: creator.walletId } })).toBe(0);
    expect(await db.prisma.ledgerEntry.count({ where: { walletId: creator.walletId } })).toBe(1);
  });

  it("refunds a held sale in full from hold, and a released sale partially from available, never beyond the sale", async () => {
    const creator = await createCreator(db);
    const held = await recordSale(url, service.token, creator.id, 1000);
    const partialOfHeld = await mutate(url, service.token, REVERSE("recordRefund"), {
      input: { saleUuid: held.sale.uuid, amount: 400, externalId: randomUUID() },
    });
    expect(partialOfHeld).toMatchObject({
      __typename: "ValidationError",
      message: "amount: a sale still on hold can only be reversed in full (1000)",
    });
    expect(
      await mutate(url, service.token, REVERSE("recordRefund"), {
        input: { saleUuid: held.sale.uuid, externalId: randomUUID() },
      }),
    ).toMatchObject({
      transaction: { type: "REFUND", bucket: "HOLD", amount: -1000, balanceAfter: 0 },
    });
    expect(await releaseAll(url, service.token, creator.id)).toMatchObject({ salesReleased: 0 }); // refunded lots are never released

    const released = await recordSale(url, service.token, creator.id, 600);
    await releaseAll(url, service.token, creator.id);
    expect(
      await mutate(url, service.token, REVERSE("recordDispute"), {
        input: { saleUuid: released.sale.uuid, amount: 250, externalId: randomUUID() },
      }),
    ).toMatchObject({
      transaction: { type: "DISPUTE", bucket: "AVAILABLE", amount: -250, balanceAfter: 350 },
    });
    expect(
      await mutate(url, service.token, REVERSE("recordRefund"), {
        input: { saleUuid: released.sale.uuid, amount: 351, externalId: randomUUID() },
      }),
    ).toMatchObject({
      __typename: "ValidationError",
      message: "amount: at most 350 of this sale is left to reverse",
    });
    await consistent(creator.walletId);
  });

  it("never takes a bucket below zero: a refund or withdrawal larger than available fails typed and writes nothing", async () => {
    const creator = await createCreator(db);
    const sale = await recordSale(url, service.token, creator.id, 700);
    await releaseAll(url, service.token, creator.id);
    await mutate(url, creator.token, CASHOUT); // available 700 -> pending
    const before = await entriesOf(creator.walletId);
    expect(
      await mutate(url, service.token, REVERSE("recordRefund"), {
        input: { saleUuid: sale.sale.uuid, externalId: randomUUID() },
      }),
    ).toEqual({
      __typename: "InsufficientFundsError",
      code: "INSUFFICIENT_FUNDS",
      message: "Insufficient funds in available: 0 available, 700 required",
    });
    const withdrawal = await mutate(
      url,
      service.token,
      `mutation($input: BalanceAdjustmentInput!) { recordWithdrawal(input: $input) { __typename ... on InsufficientFundsError { bucket current { amount } required { amount formatted } } } }`,
      {
        input: { accountId: creator.id, amount: 1, externalId: randomUUID() },
      },
    );
    expect(withdrawal).toEqual({
      __typename: "InsufficientFundsError",
      bucket: "AVAILABLE",
      current: 0,
      required: { amount: 1, formatted: "$0.01" },
    });
    expect(await entriesOf(creator.walletId)).toEqual(before);
  });

  it("rejects bad amounts with a ValidationError naming the field", async () => {
    const creator = await createCreator(db);
    for (const amount of [0, -5]) {
      const res = await mutate(
        url,
        service.token,
        `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename ... on ValidationError { fields { field message } } } }`,
        {
          input: { accountId: creator.id, amount, externalId: randomUUID() },
        },
      );
      expect(res).toEqual({ __typename: "ValidationError", fields: [{ field: "amount", message: "must be greater than zero" }] });
    }
  });

  it("keeps service mutations to service tokens: creators get ForbiddenError, anonymous callers 401", async () => {
    const creator = await createCreator(db);
    const asCreator = await gql(
      url,
      `mutation { recordSale(input: { accountId: ${creator.id}, amount: 100, externalId: "x" }) { __typename ... on Error { message } } }`,
      { token: creator.token },
    );
    expect(asCreator.body.data).toEqual({
      recordSale: { __typename: "ForbiddenError", message: "An OWNER token may not record money movements" },
    });
    const anonymous = await gql(url, `mutation { releaseHolds(input: {}) { __typename } }`);
    expect(anonymous.status).toBe(401);
    const viewerToken = await createCreator(db, { role: "VIEWER" });
    expect((await gql(url, CASHOUT, { token: viewerToken.token })).body.data).toEqual({
      requestCashout: { __typename: "ForbiddenError", code: "FORBIDDEN", message: "A VIEWER token may not cash out" },
    });
  });
});
