import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { testDatabase } from "../helpers/db.ts";
import { uniqueEmail } from "../helpers/factories.ts";

/**
 * Proves the hand-written SQL and schema.prisma agree: every model is written with every
 * field set (non-default values) and read back unchanged through Prisma.
 */
describe("schema.prisma and the migration SQL agree", () => {
  const covered = new Set<string>();
  const at = (iso: string) => new Date(iso);

  async function roundTrip<T extends Record<string, unknown>>(model: string, written: T, read: () => Promise<unknown>) {
    covered.add(model);
    expect(await read()).toEqual(written);
  }

  it("writes and reads back every model", async () => {
    const { prisma } = await testDatabase();
    const code = `Q${randomUUID()
      .replace(/[^A-Z]/gi, "")
      .slice(0, 2)
      .toUpperCase()}`.padEnd(3, "Z");
    const currency = await prisma.currency.upsert({
      where: { code },
      create: { code, name: "Test Coin", symbol: "¤", minorUnits: 3 },
      update: {},
    });
    await roundTrip("Currency", currency, () => prisma.currency.findUnique({ where: { id: currency.id } }));

    const master = await prisma.account.create({
      data: {
        email: uniqueEmail("master"),
        passwordHash: "scrypt$abc",
        displayName: "Master",
        slug: `master-${randomUUID()}`,
        logoUrl: "https://cdn.example.com/m.png",
        role: "CREATOR",
        currencyId: currency.id,
        createdAt: at("2026-01-02T03:04:05.678Z"),
      },
    });
    await roundTrip("Account", master, () => prisma.account.findUnique({ where: { id: master.id } }));
    const child = await prisma.account.create({
      data: {
        email: uniqueEmail("child"),
        displayName: "Child",
        slug: `child-${randomUUID()}`,
        role: "SERVICE",
        currencyId: currency.id,
      },
    });

    const token = await prisma.apiToken.create({
      data: {
        accountId: child.id,
        tokenHash: "a".repeat(64),
        prefix: "wgw_abcdefgh",
        name: "ci",
        role: "VIEWER",
        issuedById: master.id,
        createdAt: at("2026-01-01T00:00:00.001Z"),
        lastUsedAt: at("2026-01-01T00:00:01.002Z"),
        expiresAt: at("2027-01-01T00:00:00.000Z"),
        revokedAt: at("2026-06-01T00:00:00.000Z"),
      },
    });
    await roundTrip("ApiToken", token, () => prisma.apiToken.findUnique({ where: { id: token.id } }));
    await prisma.apiToken.delete({ where: { id: token.id } }); // token_hash must stay unique for the next run

    const member = await prisma.accountGroupMember.create({
      data: { masterId: master.id, childId: child.id, createdAt: at("2026-02-02T02:02:02.222Z") },
    });
    await roundTrip("AccountGroupMember", member, () => prisma.accountGroupMember.findUnique({ where: { id: member.id } }));

    const big = 9_007_199_254_740_991n; // beyond 32 bits: BIGINT, not INTEGER
    const wallet = await prisma.wallet.create({
      data: {
        accountId: master.id,
        currencyId: currency.id,
        available: big,
        hold: 2n,
        pending: 3n,
        referralRevenue: 4n,
        createdAt: at("2026-03-03T03:03:03.333Z"),
        updatedAt: at("2026-03-04T03:03:03.333Z"),
      },
    });
    await roundTrip("Wallet", wallet, () => prisma.wallet.findUnique({ where: { id: wallet.id } }));

    const invoice = await prisma.invoice.create({
      data: {
        accountId: master.id,
        currencyId: currency.id,
        status: "paid",
        description: "March campaign",
        hostedInvoiceUrl: "https://billing.example.com/i/1",
        total: 12_345n,
        paymentMethod: "card",
        externalId: `inv-${randomUUID()}`,
        paidAt: at("2026-03-05T00:00:00.000Z"),
        createdAt: at("2026-03-04T00:00:00.000Z"),
      },
    });
    await roundTrip("Invoice", invoice, () => prisma.invoice.findUnique({ where: { id: invoice.id } }));

    const payout = await prisma.payout.create({
      data: {
        walletId: wallet.id,
        currencyId: currency.id,
        amount: 500n,
        status: "FAILED",
        failureCode: "account_closed",
        externalId: `po-${randomUUID()}`,
        paymentMethodId: 77,
        requestedAt: at("2026-03-06T00:00:00.000Z"),
        settledAt: at("2026-03-07T00:00:00.000Z"),
      },
    });
    await roundTrip("Payout", payout, () => prisma.payout.findUnique({ where: { id: payout.id } }));

    const line = await prisma.invoiceLineItem.create({
      data: {
        invoiceId: invoice.id,
        accountId: child.id,
        amount: 999n,
        campaignName: "Spring",
        status: "paid",
        refunded: true,
        payoutId: payout.id,
        description: "Spring push",
      },
    });
    await roundTrip("InvoiceLineItem", line, () => prisma.invoiceLineItem.findUnique({ where: { id: line.id } }));

    const details = await prisma.payoutDetails.create({
      data: {
        accountId: master.id,
        iban: "DE89370400440532013000",
        bicSwift: "COBADEFFXXX",
        accountNumber: "31926819",
        routingNumber: "011000015",
        sortCode: "601613",
      },
    });
    await roundTrip("PayoutDetails", details, () => prisma.payoutDetails.findUnique({ where: { accountId: master.id } }));

    const limit = await prisma.rateLimit.create({
      data: { key: `read-m:${randomUUID()}`, points: 7, expire: 1_800_000_000_000n },
    });
    await roundTrip("RateLimit", limit, () => prisma.rateLimit.findUnique({ where: { key: limit.key } }));

    const gateway = await prisma.eventStreamGateway.create({
      data: { id: randomUUID(), expiresAt: at("2026-12-07T01:02:03.456Z") },
    });
    await roundTrip("EventStreamGateway", gateway, () => prisma.eventStreamGateway.findUnique({ where: { id: gateway.id } }));
    const lease = await prisma.eventStreamLease.create({
      data: { id: randomUUID(), tokenId: token.id, gatewayId: gateway.id, openedAt: at("2026-12-07T01:00:00.001Z") },
    });
    await roundTrip("EventStreamLease", lease, () => prisma.eventStreamLease.findUnique({ where: { id: lease.id } }));

    const product = await prisma.product.create({
      data: {
        accountId: master.id,
        externalId: `prod-${randomUUID()}`,
        title: "Photo set",
        thumbnailUrl: "https://cdn.example.com/t.jpg",
        mediaComplete: true,
        price: 1500n,
        unlockCount: 6n,
        linkClicks: 40n,
        earnings: 9000n,
        createdAt: at("2026-03-08T00:00:00.000Z"),
        updatedAt: at("2026-03-09T00:00:00.000Z"),
      },
    });
    await roundTrip("Product", product, () => prisma.product.findUnique({ where: { id: product.id } }));

    const link = await prisma.shortLink.create({
      data: {
        accountId: master.id,
        productId: product.id,
        slug: `s-${randomUUID()}`,
        views: big,
        createdAt: at("2026-03-10T00:00:00.000Z"),
      },
    });
    await roundTrip("ShortLink", link, () => prisma.shortLink.findUnique({ where: { id: link.id } }));

    const entry = await prisma.ledgerEntry.create({
      data: {
        uuid: randomUUID(),
        walletId: wallet.id,
        movementId: randomUUID(),
        amount: -big,
        fee: 25n,
        bucket: "PENDING",
        balanceAfter: 0n,
        availableAfter: 11n,
        holdAfter: 22n,
        pendingAfter: 0n,
        type: "PAYOUT_FAILED",
        status: "REVERSED",
        title: "Payout failed",
        description: "Bank rejected",
        externalId: "ext-1",
        source: "Balance",
        destination: "External",
        payoutId: payout.id,
        invoiceId: invoice.id,
        paymentMethodId: 77,
        productId: product.id,
        counterpartyId: child.id,
        visible: false,
        referenceEntryId: null,
        createdAt: at("2026-03-11T00:00:00.000Z"),
      },
    });
    await roundTrip("LedgerEntry", entry, () => prisma.ledgerEntry.findUnique({ where: { id: entry.id } }));
    const reference = await prisma.ledgerEntry.create({
      data: {
        walletId: wallet.id,
        movementId: randomUUID(),
        amount: 1n,
        bucket: "HOLD",
        balanceAfter: 1n,
        type: "SALE",
        status: "PENDING",
        referenceEntryId: entry.id,
      },
    });
    expect((await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: reference.id } })).referenceEntryId).toBe(entry.id);

    // The trigger keeps these on insert; a combination no entry above has is written by hand.
    const countRow = await prisma.walletEntryCount.create({
      data: { walletId: wallet.id, type: "REFUND", bucket: "PENDING", entries: big },
    });
    await roundTrip("WalletEntryCount", countRow, () =>
      prisma.walletEntryCount.findUnique({
        where: { walletId_type_bucket: { walletId: wallet.id, type: "REFUND", bucket: "PENDING" } },
      }),
    );

    const rollupRow = await prisma.ledgerDailyRollup.create({
      data: {
        walletId: wallet.id,
        day: at("2026-03-11T00:00:00.000Z"),
        type: "PAYOUT_FAILED",
        withPaymentMethod: true,
        entryCount: 2n,
        amountSum: -big,
        feeSum: 25n,
      },
    });
    await roundTrip("LedgerDailyRollup", rollupRow, () =>
      prisma.ledgerDailyRollup.findUnique({
        where: {
          walletId_day_type_withPaymentMethod: {
            walletId: wallet.id,
            day: rollupRow.day,
            type: "PAYOUT_FAILED",
            withPaymentMethod: true,
          },
        },
      }),
    );

    const record = await prisma.idempotencyRecord.create({
      data: {
        accountId: master.id,
        operation: "requestCashout",
        key: randomUUID(),
        requestHash: "b".repeat(64),
        state: "COMPLETED",
        response: { ok: true, nested: [1, "two"] },
        createdAt: at("2026-03-12T00:00:00.000Z"),
        expiresAt: at("2026-03-13T00:00:00.000Z"),
      },
    });
    await roundTrip("IdempotencyRecord", record, () => prisma.idempotencyRecord.findUnique({ where: { id: record.id } }));

    const invitation = await prisma.affiliateInvitation.create({
      data: {
        uuid: randomUUID(),
        code: `C${randomUUID().slice(0, 8).toUpperCase()}`,
        inviterId: master.id,
        feeBps: 450,
        createdAt: at("2026-03-14T00:00:00.000Z"),
      },
    });
    await roundTrip("AffiliateInvitation", invitation, () =>
      prisma.affiliateInvitation.findUnique({ where: { id: invitation.id } }),
    );

    const referral = await prisma.referral.create({
      data: {
        referrerId: master.id,
        referredId: child.id,
        invitationId: invitation.id,
        feeBps: 450,
        createdAt: at("2026-03-15T00:00:00.000Z"),
      },
    });
    await roundTrip("Referral", referral, () => prisma.referral.findUnique({ where: { id: referral.id } }));

    // The trigger wrote the referral's first fee; a change writes the next.
    const firstFee = await prisma.referralFeeChange.findFirstOrThrow({ where: { referralId: referral.id } });
    expect([firstFee.feeBps, firstFee.changedAt.toISOString()]).toEqual([450, "2026-03-15T00:00:00.000Z"]);
    const feeChange = await prisma.referralFeeChange.create({
      data: { referralId: referral.id, feeBps: 600, changedAt: at("2026-03-15T12:00:00.000Z") },
    });
    await roundTrip("ReferralFeeChange", feeChange, () => prisma.referralFeeChange.findUnique({ where: { id: feeChange.id } }));

    const visit = await prisma.invitationVisit.create({
      data: { invitationId: invitation.id, eventId: `visit-${randomUUID()}`, visitedAt: at("2026-03-14T00:00:00.000Z") },
    });
    await roundTrip("InvitationVisit", visit, () => prisma.invitationVisit.findUnique({ where: { id: visit.id } }));

    const setting = await prisma.setting.create({
      data: { key: `test.${randomUUID()}`, value: { bps: 250 }, updatedAt: at("2026-03-16T00:00:00.000Z") },
    });
    await roundTrip("Setting", setting, () => prisma.setting.findUnique({ where: { key: setting.key } }));

    const rollup = await prisma.dashboardRollup.create({
      data: {
        accountId: master.id,
        contentItems: 1n,
        linkClicks: big,
        unlocks: 3n,
        productRevenue: 4n,
        updatedAt: at("2026-03-17T00:00:00.000Z"),
      },
    });
    await roundTrip("DashboardRollup", rollup, () => prisma.dashboardRollup.findUnique({ where: { accountId: master.id } }));

    expect([...covered].sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it("ships the reference data: currencies and the default affiliate fee", async () => {
    const { prisma } = await testDatabase();
    const currencies = await prisma.currency.findMany({
      where: { code: { in: ["USD", "EUR", "GBP"] } },
      orderBy: { code: "asc" },
    });
    expect(currencies.map((c) => [c.code, c.symbol, c.minorUnits])).toEqual([
      ["EUR", "€", 2],
      ["GBP", "£", 2],
      ["USD", "$", 2],
    ]);
    expect((await prisma.setting.findUnique({ where: { key: "affiliate.default_fee_bps" } }))?.value).toBe(500);
  });
});
