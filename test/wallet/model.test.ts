import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { DomainError } from "../../src/modules/errors.ts";
import { reconcile } from "../../src/modules/ledger/reconcile.ts";
import { adjustBalance, reverseSale } from "../../src/modules/wallet/adjustment.service.ts";
import { releaseHolds } from "../../src/modules/wallet/hold-release.service.ts";
import { requestCashout, settlePayout } from "../../src/modules/wallet/payout.service.ts";
import { recordSale } from "../../src/modules/wallet/sale.service.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

/**
 * A model test: random sequences of every movement (failing ones included) across three
 * wallets on the real database. After every step each bucket must equal the model's, the
 * sum of its entries (reconcile), and never be negative.
 */
type Buckets = { available: bigint; hold: bigint; pending: bigint; referralRevenue: bigint };
type Lot = { uuid: string; owner: number; amount: bigint; state: "held" | "released" | "closed"; reversed: bigint };
type Payout = { id: number; owner: number; amount: bigint; status: "REQUESTED" | "PAID" | "FAILED" };

const Op = fc.oneof(
  fc.record({ kind: fc.constant("sale" as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant("release" as const), who: fc.nat(2) }),
  fc.record({ kind: fc.constant("cashout" as const), who: fc.nat(2) }),
  fc.record({ kind: fc.constant("settle" as const), payout: fc.nat(20), paid: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom("REFUND" as const, "DISPUTE" as const),
    lot: fc.nat(30),
    amount: fc.option(fc.integer({ min: 1, max: 6000 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constantFrom("DEPOSIT" as const, "WITHDRAWAL" as const),
    who: fc.nat(2),
    amount: fc.integer({ min: 1, max: 4000 }),
  }),
);

describe("wallet model (fast-check)", () => {
  let db: Database;
  let serviceId: number;
  beforeAll(async () => {
    db = await testDatabase();
    serviceId = (await createCreator(db, { service: true })).id;
  });

  it("keeps every bucket equal to the model and to its ledger entries, never negative", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const accounts = [await createCreator(db), await createCreator(db), await createCreator(db)];
        await db.prisma.referral.create({ data: { referrerId: accounts[0]!.id, referredId: accounts[1]!.id, feeBps: 750 } });
        const model: Buckets[] = accounts.map(() => ({ available: 0n, hold: 0n, pending: 0n, referralRevenue: 0n }));
        const lots: Lot[] = [];
        const payouts: Payout[] = [];
        const expectFailure = async (run: () => Promise<unknown>, name: string) => {
          const error = await run().then(
            () => null,
            (e: unknown) => e,
          );
          expect(error, `expected ${name}`).toBeInstanceOf(DomainError);
          expect((error as Error).name).toBe(name);
        };

        for (const op of ops) {
          const prisma = db.prisma;
          switch (op.kind) {
            case "sale": {
              const r = await recordSale(db, serviceId, {
                accountId: accounts[op.who]!.id,
                amount: op.amount,
                externalId: randomUUID(),
              });
              const uuid = (await prisma.ledgerEntry.findUniqueOrThrow({ where: { id: r.saleEntryId } })).uuid;
              model[op.who]!.hold += BigInt(op.amount);
              lots.push({ uuid, owner: op.who, amount: BigInt(op.amount), state: "held", reversed: 0n });
              if (op.who === 1) {
                const fee = (BigInt(op.amount) * 750n) / 10_000n;
                model[0]!.available += fee;
                model[0]!.referralRevenue += fee;
              }
              break;
            }
            case "release": {
              await releaseHolds(db, { holdPeriodMs: 0, accountId: accounts[op.who]!.id });
              for (const lot of lots.filter((l) => l.owner === op.who && l.state === "held")) {
                lot.state = "released";
                model[op.who]!.hold -= lot.amount;
                model[op.who]!.available += lot.amount;
              }
              break;
            }
            case "cashout": {
              const m = model[op.who]!;
              if (m.available === 0n) {
                await expectFailure(() => requestCashout(db, accounts[op.who]!.id), "NoAvailableFundsError");
                break;
              }
              const { payoutId } = await requestCashout(db, accounts[op.who]!.id);
              payouts.push({ id: payoutId, owner: op.who, amount: m.available, status: "REQUESTED" });
              m.pending += m.available;
              m.available = 0n;
              break;
            }
            case "settle": {
              const payout = payouts[op.payout % Math.max(payouts.length, 1)];
              if (!payout) break;
              const status = op.paid ? "PAID" : "FAILED";
              const settle = () => settlePayout(db, serviceId, { payoutId: payout.id, status, externalId: randomUUID() });
              if (payout.status === "REQUESTED") {
                await settle();
                payout.status = status;
                model[payout.owner]!.pending -= payout.amount;
                if (!op.paid) model[payout.owner]!.available += payout.amount;
              } else if (payout.status === status) {
                await settle();
              } else {
                await expectFailure(settle, "ConflictError");
              }
              break;
            }
            case "REFUND":
            case "DISPUTE": {
              const lot = lots[op.lot % Math.max(lots.length, 1)];
              if (!lot) break;
              const m = model[lot.owner]!;
              const run = () =>
                reverseSale(db, serviceId, op.kind, {
                  saleUuid: lot.uuid,
                  externalId: randomUUID(),
                  ...(op.amount ? { amount: op.amount } : {}),
                });
              const amount = op.amount === undefined ? lot.amount - lot.reversed : BigInt(op.amount);
              if (lot.state === "closed") await expectFailure(run, "ConflictError");
              else if (lot.state === "held" && amount !== lot.amount) await expectFailure(run, "ValidationError");
              else if (lot.state === "held") {
                await run();
                m.hold -= amount;
                lot.state = "closed";
              } else if (amount <= 0n || lot.reversed + amount > lot.amount) await expectFailure(run, "ValidationError");
              else if (m.available < amount) await expectFailure(run, "InsufficientFundsError");
              else {
                await run();
                m.available -= amount;
                lot.reversed += amount;
              }
              break;
            }
            case "DEPOSIT":
            case "WITHDRAWAL": {
              const m = model[op.who]!;
              const run = () =>
                adjustBalance(db, serviceId, op.kind, {
                  accountId: accounts[op.who]!.id,
                  amount: op.amount,
                  externalId: randomUUID(),
                });
              if (op.kind === "WITHDRAWAL" && m.available < BigInt(op.amount)) await expectFailure(run, "InsufficientFundsError");
              else {
                await run();
                m.available += op.kind === "DEPOSIT" ? BigInt(op.amount) : -BigInt(op.amount);
              }
              break;
            }
          }
          const wallets = await db.prisma.wallet.findMany({
            where: { id: { in: accounts.map((a) => a.walletId) } },
            orderBy: { id: "asc" },
          });
          const byAccount = accounts.map((a) => wallets.find((w) => w.id === a.walletId)!);
          expect(
            byAccount.map((w) => ({
              available: w.available,
              hold: w.hold,
              pending: w.pending,
              referralRevenue: w.referralRevenue,
            })),
          ).toEqual(model);
          for (const w of byAccount) expect(w.available >= 0n && w.hold >= 0n && w.pending >= 0n).toBe(true);
          expect(await reconcile(db.prisma, { walletIds: accounts.map((a) => a.walletId) })).toMatchObject({
            mismatches: [],
            rollupMismatches: [],
          });
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 30), endOnFailure: true },
    );
  });
});
