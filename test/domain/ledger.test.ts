import { describe, expect, it } from "vitest";
import { type EntryLine, postMovement } from "../../src/modules/ledger/ledger.service.ts";
import { formatReconcileReport, reconcile } from "../../src/modules/ledger/reconcile.ts";
import { InsufficientFundsError } from "../../src/modules/errors.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

const deposit = (amount: bigint): EntryLine => ({
  bucket: "AVAILABLE",
  amount,
  type: "DEPOSIT",
  status: "AVAILABLE",
  title: "Deposit",
});

describe("postMovement, the primitive every money movement uses", () => {
  it("applies lines in order, records each bucket's balance after, and keeps buckets equal to their entries", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    await db.prisma.$transaction((tx) => postMovement(tx, { walletId, lines: [deposit(1_000n)] }));
    const { entries, balances } = await db.prisma.$transaction((tx) =>
      postMovement(tx, {
        walletId,
        lines: [
          { bucket: "AVAILABLE", amount: -600n, type: "CASHOUT", status: "PENDING" },
          { bucket: "PENDING", amount: 600n, type: "CASHOUT", status: "PENDING" },
        ],
      }),
    );
    expect(entries.map((e) => [e.bucket, e.amount, e.balanceAfter])).toEqual([
      ["AVAILABLE", -600n, 400n],
      ["PENDING", 600n, 600n],
    ]);
    expect(new Set(entries.map((e) => e.movementId)).size).toBe(1);
    // Every entry also carries the whole wallet as it stands after the movement.
    expect(entries.map((e) => [e.availableAfter, e.holdAfter, e.pendingAfter])).toEqual([
      [400n, 0n, 600n],
      [400n, 0n, 600n],
    ]);
    expect(balances).toEqual({ available: 400n, hold: 0n, pending: 600n, referralRevenue: 0n });
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
    expect([wallet.available, wallet.hold, wallet.pending]).toEqual([400n, 0n, 600n]);
    expect(await reconcile(db.prisma, { walletIds: [walletId] })).toEqual({
      walletsChecked: 1,
      mismatches: [],
      rollupMismatches: [],
    });
  });

  it("refuses a line that would take a bucket below zero and writes nothing", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    await db.prisma.$transaction((tx) => postMovement(tx, { walletId, lines: [deposit(100n)] }));
    const attempt = db.prisma.$transaction((tx) =>
      postMovement(tx, {
        walletId,
        lines: [deposit(50n), { bucket: "AVAILABLE", amount: -151n, type: "WITHDRAWAL", status: "AVAILABLE" }],
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(attempt).rejects.toThrow("Insufficient funds in available: 150 available, 151 required");
    expect(await db.prisma.ledgerEntry.count({ where: { walletId } })).toBe(1);
    expect((await db.prisma.wallet.findUniqueOrThrow({ where: { id: walletId } })).available).toBe(100n);
  });

  it("serialises concurrent movements on one wallet: 20 withdrawals of 10 from 100 leave exactly 10 successes", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    await db.prisma.$transaction((tx) => postMovement(tx, { walletId, lines: [deposit(100n)] }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        db.prisma.$transaction((tx) =>
          postMovement(tx, { walletId, lines: [{ bucket: "AVAILABLE", amount: -10n, type: "WITHDRAWAL", status: "AVAILABLE" }] }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof InsufficientFundsError)).toHaveLength(10);
    const balances = (await db.prisma.ledgerEntry.findMany({ where: { walletId }, orderBy: { id: "asc" } })).map(
      (e) => e.balanceAfter,
    );
    expect(balances).toEqual([100n, 90n, 80n, 70n, 60n, 50n, 40n, 30n, 20n, 10n, 0n]);
    expect(await reconcile(db.prisma, { walletIds: [walletId] })).toEqual({
      walletsChecked: 1,
      mismatches: [],
      rollupMismatches: [],
    });
  });

  it("reconcile reports every corrupted bucket of the wallets it is asked about", async () => {
    const db = await testDatabase();
    const { walletId, id: accountId, email } = await createCreator(db);
    await db.prisma.$transaction((tx) => postMovement(tx, { walletId, lines: [deposit(500n)] }));
    await db.prisma.wallet.update({ where: { id: walletId }, data: { available: 499n, pending: 7n } });
    const report = await reconcile(db.prisma, { walletIds: [walletId] });
    expect(report).toEqual({
      walletsChecked: 1,
      mismatches: [
        { walletId, accountId, email, bucket: "available", wallet: 499n, ledger: 500n },
        { walletId, accountId, email, bucket: "pending", wallet: 7n, ledger: 0n },
      ],
      rollupMismatches: [],
    });
  });

  it("reconcile also checks the daily report rollups against the entries they summarise", async () => {
    const db = await testDatabase();
    const { walletId } = await createCreator(db);
    await db.prisma.$transaction((tx) =>
      postMovement(tx, { walletId, at: new Date("2026-03-04T10:00:00Z"), lines: [deposit(250n)] }),
    );
    expect((await reconcile(db.prisma, { walletIds: [walletId] })).rollupMismatches).toEqual([]);
    await db.prisma.ledgerDailyRollup.updateMany({ where: { walletId }, data: { amountSum: 240n } });
    const report = await reconcile(db.prisma, { walletIds: [walletId] });
    expect(report.rollupMismatches).toEqual([
      { walletId, day: "2026-03-04", type: "DEPOSIT", rollupCount: 1n, ledgerCount: 1n, rollupSum: 240n, ledgerSum: 250n },
    ]);
    expect(formatReconcileReport(report)).toContain(
      `wallet ${walletId} 2026-03-04 DEPOSIT: rollup says 1 entries / 240, ledger has 1 entries / 250`,
    );
  });
});
