import type { Database } from "../../db/database.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { move } from "./movement.ts";

/** What was released in one currency (never summed with another). */
export type Released = { currencyId: number; currencyCode: string; minor: bigint };
export type HoldReleaseResult = { walletsReleased: number; salesReleased: number; released: Released[] };

/**
 * A sale `s` whose hold is still open: nothing has debited its hold yet (a release, or a
 * refund or dispute of a held sale). The release timeline lists exactly these.
 */
export const OPEN_LOT = Prisma.sql`s.type = 'SALE' AND NOT EXISTS (
  SELECT 1 FROM ledger_entries x WHERE x.reference_entry_id = s.id AND x.bucket = 'HOLD' AND x.amount < 0)`;

type OpenLot = { id: number; wallet_id: number; currency_id: number; code: string };

/**
 * Moves every sale whose hold period has passed from hold to available: one movement per
 * wallet (wallet_release, in the wallet's lane like every movement), one pair of entries per
 * sale. Safe to run concurrently or repeatedly: wallet_release re-checks under the wallet's
 * lock that each sale's hold is still open, so a second run finds nothing to do.
 */
export async function releaseHolds(
  db: Database,
  options: { holdPeriodMs: number; accountId?: number; now?: Date; batchSize?: number; onProgress?: (message: string) => void },
): Promise<HoldReleaseResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.holdPeriodMs);
  const batchSize = options.batchSize ?? 1000;
  const result = { walletsReleased: 0, salesReleased: 0 };
  const released = new Map<number, Released>();
  let after = 0;
  for (;;) {
    const lots = await db.prisma.$queryRaw<OpenLot[]>`
      SELECT s.id, s.wallet_id, w.currency_id, c.code
      FROM ledger_entries s
      JOIN wallets w ON w.id = s.wallet_id JOIN currencies c ON c.id = w.currency_id
      WHERE ${options.accountId !== undefined ? Prisma.sql`w.account_id = ${options.accountId} AND` : Prisma.empty} ${OPEN_LOT}
        AND s.created_at <= ${cutoff} AND s.id > ${after}
      ORDER BY s.id
      LIMIT ${batchSize}`;
    if (lots.length === 0) break;
    after = lots[lots.length - 1]!.id;
    const byWallet = new Map<number, OpenLot[]>();
    for (const lot of lots) byWallet.set(lot.wallet_id, [...(byWallet.get(lot.wallet_id) ?? []), lot]);
    for (const [walletId, walletLots] of byWallet) {
      const { result: moved } = await move<{ salesReleased: number; amount: string }>(db, {
        kind: "release",
        args: { walletId, lots: walletLots.map((l) => l.id) },
        caller: 0,
        operation: "releaseHolds",
        key: null,
        input: null,
        walletId,
      });
      if (moved.salesReleased === 0) continue; // another run (or a refund) closed them first
      result.walletsReleased++;
      result.salesReleased += moved.salesReleased;
      const { currency_id: currencyId, code: currencyCode } = walletLots[0]!;
      const sum = released.get(currencyId) ?? { currencyId, currencyCode, minor: 0n };
      sum.minor += BigInt(moved.amount);
      released.set(currencyId, sum);
    }
    options.onProgress?.(`released ${result.salesReleased} sales in ${result.walletsReleased} wallets so far`);
    if (lots.length < batchSize) break;
  }
  return { ...result, released: [...released.values()].sort((a, b) => a.currencyId - b.currencyId) };
}
