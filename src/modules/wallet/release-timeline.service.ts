import type { PrismaClient } from "../../generated/prisma/client.ts";
import { LEDGER_COLUMNS, type LedgerRow } from "../ledger/ledger-query.ts";
import { OPEN_LOT } from "./hold-release.service.ts";

export type HeldSale = { row: LedgerRow; availableAt: Date };
export type ReleaseDay = { date: string; amount: bigint; sales: number };
export type ReleaseTimeline = { currencyId: number; total: bigint; days: ReleaseDay[]; sales: HeldSale[] };

const DAY_MS = 86_400_000;

/**
 * The wallet's held sales and when each becomes available (sale time + hold period): exactly
 * the sales hold-release will move, each once its time has come (an overdue one is released
 * by the next run). Daily totals by UTC date cover every held sale; `sales` lists the first
 * `limit` by release time.
 */
export async function releaseTimeline(
  prisma: PrismaClient,
  wallet: { id: number; currencyId: number },
  holdPeriodDays: number,
  limit: number,
): Promise<ReleaseTimeline> {
  const walletId = wallet.id;
  const holdMs = holdPeriodDays * DAY_MS;
  const [days, sales] = await Promise.all([
    prisma.$queryRaw<{ date: string; amount: bigint; sales: bigint }[]>`
      SELECT to_char(((s.created_at + ${holdMs} * interval '1 millisecond') AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS date,
             SUM(s.amount)::bigint AS amount, count(*)::bigint AS sales
      FROM ledger_entries s
      WHERE s.wallet_id = ${walletId} AND ${OPEN_LOT}
      GROUP BY 1 ORDER BY 1`,
    prisma.$queryRaw<LedgerRow[]>`
      SELECT ${LEDGER_COLUMNS} FROM ledger_entries e
      WHERE e.id IN (
        SELECT s.id FROM ledger_entries s WHERE s.wallet_id = ${walletId} AND ${OPEN_LOT} ORDER BY s.created_at, s.id LIMIT ${limit})
      ORDER BY e.created_at, e.id`,
  ]);
  return {
    currencyId: wallet.currencyId,
    total: days.reduce((sum, d) => sum + BigInt(d.amount), 0n),
    days: days.map((d) => ({ date: d.date, amount: BigInt(d.amount), sales: Number(d.sales) })),
    sales: sales.map((row) => ({ row, availableAt: new Date(new Date(row.createdAt).getTime() + holdMs) })),
  };
}
