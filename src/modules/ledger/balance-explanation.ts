import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { Bucket } from "../../generated/prisma/enums.ts";
import { NotFoundError } from "../errors.ts";
import { cursorKey, decodeCursor, encodeCursor, filterFingerprint } from "./cursor.ts";
import { LEDGER_COLUMNS, type LedgerRow } from "./ledger-query.ts";
import { sqlLimit } from "../../db/sql-limit.ts";

export type ExplainedEntry = LedgerRow & { visible: boolean; cursor: string };
export type BalanceExplanation = {
  bucket: Bucket;
  balance: bigint;
  currencyId: number;
  reconciles: boolean;
  entries: ExplainedEntry[];
  hasNextPage: boolean;
};

const FIELD = { AVAILABLE: "available", HOLD: "hold", PENDING: "pending" } as const;

/**
 * A bucket and the entries whose signed amounts make it up, newest first, read in one
 * snapshot. `reconciles` checks, at read time, that the bucket equals the newest entry's
 * balance_after (the running sum written with each entry), that every entry on the page
 * follows from the next older one (balance_after - amount = the older balance_after), and on
 * the last page that the oldest starts from zero. Two index reads, whatever the ledger size.
 */
export async function explainBucket(
  prisma: PrismaClient,
  walletId: number,
  bucket: Bucket,
  page: { first: number; after?: string | null },
): Promise<BalanceExplanation> {
  const key = await cursorKey(prisma);
  const fingerprint = filterFingerprint({ explain: walletId, bucket });
  const after = page.after ? decodeCursor(key, page.after, { order: "DATE_DESC", fingerprint, argument: "after" }) : null;
  const [wallets, rows] = await prisma.$transaction(
    [
      prisma.$queryRaw<{ balance: bigint; currency_id: number }[]>`
        SELECT ${Prisma.raw(FIELD[bucket])} AS balance, currency_id FROM wallets WHERE id = ${walletId}`,
      prisma.$queryRaw<(LedgerRow & { visible: boolean })[]>`
        SELECT ${LEDGER_COLUMNS}, e.visible FROM ledger_entries e
        WHERE e.wallet_id = ${walletId} AND e.bucket = CAST(${bucket} AS "Bucket")
          ${after ? Prisma.sql`AND (e.created_at, e.id) < (${after.createdAt}, ${after.id})` : Prisma.empty}
        ORDER BY e.created_at DESC, e.id DESC
        ${sqlLimit(page.first + 1)}`,
    ],
    { isolationLevel: "RepeatableRead" },
  );
  const wallet = wallets[0];
  if (!wallet) throw new NotFoundError(`Wallet ${walletId} does not exist`);
  const balance = BigInt(wallet.balance);
  const entries = rows.slice(0, page.first).map((r) => ({
    ...r,
    amount: BigInt(r.amount),
    balanceAfter: BigInt(r.balanceAfter),
    createdAt: new Date(r.createdAt),
    cursor: encodeCursor(key, "DATE_DESC", fingerprint, { createdAt: new Date(r.createdAt), id: r.id }),
  }));
  const hasNextPage = rows.length > page.first;
  const chained = entries.every((e, i) => i === entries.length - 1 || e.balanceAfter - e.amount === entries[i + 1]!.balanceAfter);
  const top = after !== null || (entries[0]?.balanceAfter ?? 0n) === balance;
  const bottom = hasNextPage || entries.length === 0 || entries.at(-1)!.balanceAfter - entries.at(-1)!.amount === 0n;
  return { bucket, balance, currencyId: wallet.currency_id, reconciles: chained && top && bottom, entries, hasNextPage };
}
