import type { Database } from "../../db/database.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { LEDGER_COLUMNS, type LedgerRow } from "../ledger/ledger-query.ts";
import type { EventPosition } from "./event-position.ts";

/** A ledger entry as live events need it: hidden legs included, with the wallet after its movement. */
export type FeedEntry = LedgerRow & {
  visible: boolean;
  movementId: string;
  availableAfter: bigint;
  holdAfter: bigint;
  pendingAfter: bigint;
};

export type WatchedWallet = { walletId: number; accountId: number; currencyId: number };

/** The wallets of these accounts (one per account). */
export async function walletsOf(prisma: PrismaClient, accountIds: number[]): Promise<WatchedWallet[]> {
  if (accountIds.length === 0) return [];
  const rows = await prisma.wallet.findMany({
    where: { accountId: { in: accountIds } },
    select: { id: true, accountId: true, currencyId: true },
    orderBy: { id: "asc" },
  });
  return rows.map((w) => ({ walletId: w.id, accountId: w.accountId, currencyId: w.currencyId }));
}

/**
 * Each wallet's newest entry id (0 for none): one index probe per wallet on (wallet_id, id), in
 * one statement (the hub's catch-up asks this for every wallet it follows, on a timer).
 */
export async function newestEntryIds(db: Database, walletIds: number[]): Promise<Map<number, number>> {
  if (walletIds.length === 0) return new Map();
  const rows = await db.query<{ walletId: number; newest: number }>({
    text: `SELECT w.id AS "walletId",
      COALESCE((SELECT e.id FROM ledger_entries e WHERE e.wallet_id = w.id ORDER BY e.id DESC LIMIT 1), 0) AS newest
    FROM wallets w WHERE w.id = ANY($1::int[])`,
    values: [walletIds],
  });
  return new Map(rows.map((r) => [r.walletId, r.newest]));
}

/**
 * Every entry after each wallet's position, oldest first, at most `limit` per wallet: one
 * index range scan per wallet on (wallet_id, id), in one statement.
 */
export async function entriesAfter(prisma: PrismaClient, after: EventPosition, limit: number): Promise<FeedEntry[]> {
  if (after.size === 0) return [];
  const positions = [...after].map(([wallet, entry]) => Prisma.sql`(CAST(${wallet} AS int), CAST(${entry} AS int))`);
  const rows = await prisma.$queryRaw<FeedEntry[]>`
    SELECT ${LEDGER_COLUMNS}, e.visible, e.movement_id::text AS "movementId",
      e.available_after AS "availableAfter", e.hold_after AS "holdAfter", e.pending_after AS "pendingAfter"
    FROM (VALUES ${Prisma.join(positions)}) AS c(wallet_id, after)
    CROSS JOIN LATERAL (
      SELECT * FROM ledger_entries x WHERE x.wallet_id = c.wallet_id AND x.id > c.after ORDER BY x.id LIMIT ${limit}
    ) e
    ORDER BY e.id`;
  return rows;
}
