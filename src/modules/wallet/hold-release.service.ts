import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { type EntryLine, postMovement } from "../ledger/ledger.service.ts";

/** What was released in one currency (never summed with another). */
export type Released = { currencyId: number; currencyCode: string; minor: bigint };
export type HoldReleaseResult = { walletsReleased: number; salesReleased: number; released: Released[] };

/**
 * A sale `s` whose hold is still open: nothing has debited its hold yet (a release, or a
 * refund or dispute of a held sale). The release timeline lists exactly these.
 */
export const OPEN_LOT = Prisma.sql`s.type = 'SALE' AND NOT EXISTS (
  SELECT 1 FROM ledger_entries x WHERE x.reference_entry_id = s.id AND x.bucket = 'HOLD' AND x.amount < 0)`;

type OpenLot = { id: number; wallet_id: number; amount: bigint; currency_id: number; code: string };

/**
 * Moves every sale whose hold period has passed from hold to available: one movement per
 * wallet, one pair of entries per sale. Safe to run concurrently or repeatedly: a sale's
 * hold can be debited only once (unique index), so a second run finds nothing to do.
 */
export async function releaseHolds(
  prisma: PrismaClient,
  options: { holdPeriodMs: number; accountId?: number; now?: Date; batchSize?: number; onProgress?: (message: string) => void },
): Promise<HoldReleaseResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.holdPeriodMs);
  const batchSize = options.batchSize ?? 1000;
  const result = { walletsReleased: 0, salesReleased: 0 };
  const released = new Map<number, Released>();
  for (;;) {
    const lots = await prisma.$queryRaw<OpenLot[]>`
      SELECT s.id, s.wallet_id, s.amount, w.currency_id, c.code
      FROM ledger_entries s
      JOIN wallets w ON w.id = s.wallet_id JOIN currencies c ON c.id = w.currency_id
      WHERE ${options.accountId !== undefined ? Prisma.sql`w.account_id = ${options.accountId} AND` : Prisma.empty} ${OPEN_LOT}
        AND s.created_at <= ${cutoff}
      ORDER BY s.wallet_id, s.id
      LIMIT ${batchSize}`;
    if (lots.length === 0) break;
    const byWallet = new Map<number, OpenLot[]>();
    for (const lot of lots) byWallet.set(lot.wallet_id, [...(byWallet.get(lot.wallet_id) ?? []), lot]);
    for (const [walletId, walletLots] of byWallet) {
      try {
        await prisma.$transaction((tx) => postMovement(tx, { walletId, lines: walletLots.flatMap(releaseLines) }));
      } catch (err) {
        // Another run released (or a refund closed) one of these lots first: the next batch re-reads.
        if ((err as { code?: string }).code === "P2002") continue;
        throw err;
      }
      result.walletsReleased++;
      result.salesReleased += walletLots.length;
      const { currency_id: currencyId, code: currencyCode } = walletLots[0]!;
      const sum = released.get(currencyId) ?? { currencyId, currencyCode, minor: 0n };
      sum.minor += walletLots.reduce((total, lot) => total + BigInt(lot.amount), 0n);
      released.set(currencyId, sum);
    }
    options.onProgress?.(`released ${result.salesReleased} sales in ${result.walletsReleased} wallets so far`);
    if (lots.length < batchSize) break;
  }
  return { ...result, released: [...released.values()].sort((a, b) => a.currencyId - b.currencyId) };
}

export function releaseLines(lot: { id: number; amount: bigint }): EntryLine[] {
  const amount = BigInt(lot.amount);
  return [
    { bucket: "HOLD", amount: -amount, type: "HOLD_RELEASE", status: "AVAILABLE", visible: false, referenceEntryId: lot.id },
    { bucket: "AVAILABLE", amount, type: "HOLD_RELEASE", status: "AVAILABLE", title: "Funds released", referenceEntryId: lot.id },
  ];
}
