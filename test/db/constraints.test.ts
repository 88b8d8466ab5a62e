import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

/** The database itself refuses what must never happen, whatever the code above it does. */
describe("database constraints", () => {
  it("rejects a negative bucket", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    for (const bucket of ["available", "hold", "pending", "referralRevenue"] as const) {
      await expect(db.prisma.wallet.update({ where: { id: walletId }, data: { [bucket]: -1n } })).rejects.toThrow(
        /not_negative|check constraint/i,
      );
    }
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
    expect([wallet.available, wallet.hold, wallet.pending, wallet.referralRevenue]).toEqual([0n, 0n, 0n, 0n]);
  });

  it("keeps invoice and line-item statuses to the closed set the schema's enums name", async () => {
    const db = await testDatabase();
    const org = await createCreator(db);
    const invoice = await db.prisma.invoice.create({
      data: { accountId: org.id, currencyId: 1, status: "paid", total: 10n },
    });
    await expect(db.prisma.invoice.update({ where: { id: invoice.id }, data: { status: "void" } })).rejects.toThrow(
      /invoices_status_known|check constraint/i,
    );
    await expect(
      db.prisma.invoiceLineItem.create({ data: { invoiceId: invoice.id, accountId: org.id, amount: 10n, status: "open" } }),
    ).rejects.toThrow(/invoice_line_items_status_known|check constraint/i);
    expect((await db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("paid");
  });

  it("keeps ledger entries append-only: UPDATE and DELETE fail", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    const entry = await db.prisma.ledgerEntry.create({
      data: {
        walletId,
        movementId: randomUUID(),
        amount: 100n,
        bucket: "AVAILABLE",
        balanceAfter: 100n,
        type: "DEPOSIT",
        status: "AVAILABLE",
      },
    });
    await expect(db.prisma.ledgerEntry.update({ where: { id: entry.id }, data: { amount: 1n } })).rejects.toThrow();
    await expect(db.prisma.ledgerEntry.delete({ where: { id: entry.id } })).rejects.toThrow();
    expect((await db.prisma.ledgerEntry.findUniqueOrThrow({ where: { id: entry.id } })).amount).toBe(100n);
  });

  it("allows a child only one master, and no account as its own master", async () => {
    const db = await testDatabase();
    const [a, b, c] = [await createCreator(db), await createCreator(db), await createCreator(db)];
    await db.prisma.accountGroupMember.create({ data: { masterId: a.id, childId: c.id } });
    await expect(db.prisma.accountGroupMember.create({ data: { masterId: b.id, childId: c.id } })).rejects.toThrow(
      /Unique constraint/i,
    );
    await expect(db.prisma.accountGroupMember.create({ data: { masterId: b.id, childId: b.id } })).rejects.toThrow();
  });

  it("rejects self-referral and affiliate fees above 10%", async () => {
    const db = await testDatabase();
    const a = await createCreator(db);
    await expect(db.prisma.referral.create({ data: { referrerId: a.id, referredId: a.id, feeBps: 100 } })).rejects.toThrow();
    await expect(
      db.prisma.affiliateInvitation.create({
        data: { code: `X${randomUUID().slice(0, 8).toUpperCase()}`, inviterId: a.id, feeBps: 1001 },
      }),
    ).rejects.toThrow();
  });
});
