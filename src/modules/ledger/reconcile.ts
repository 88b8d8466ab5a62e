import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";

export type BucketMismatch = {
  walletId: number;
  accountId: number;
  email: string;
  bucket: "available" | "hold" | "pending";
  wallet: bigint;
  ledger: bigint;
};

export type ReconcileReport = { walletsChecked: number; mismatches: BucketMismatch[] };

/**
 * Proves the ledger invariant: for every wallet and bucket, the bucket equals the sum of
 * that bucket's entries. One aggregate query; returns every mismatch, not just the first.
 */
export async function reconcile(prisma: PrismaClient, scope: { walletIds?: number[] } = {}): Promise<ReconcileReport> {
  const walletFilter = scope.walletIds ? Prisma.sql`WHERE w.id IN (${Prisma.join(scope.walletIds)})` : Prisma.empty;
  const rows = await prisma.$queryRaw<
    {
      wallet_id: number;
      account_id: number;
      email: string;
      available: bigint;
      hold: bigint;
      pending: bigint;
      ledger_available: bigint;
      ledger_hold: bigint;
      ledger_pending: bigint;
    }[]
  >`
    WITH sums AS (
      SELECT wallet_id,
             COALESCE(SUM(amount) FILTER (WHERE bucket = 'AVAILABLE'), 0)::bigint AS ledger_available,
             COALESCE(SUM(amount) FILTER (WHERE bucket = 'HOLD'), 0)::bigint AS ledger_hold,
             COALESCE(SUM(amount) FILTER (WHERE bucket = 'PENDING'), 0)::bigint AS ledger_pending
      FROM ledger_entries
      ${scope.walletIds ? Prisma.sql`WHERE wallet_id IN (${Prisma.join(scope.walletIds)})` : Prisma.empty}
      GROUP BY wallet_id
    )
    SELECT w.id AS wallet_id, w.account_id, a.email, w.available, w.hold, w.pending,
           COALESCE(s.ledger_available, 0)::bigint AS ledger_available,
           COALESCE(s.ledger_hold, 0)::bigint AS ledger_hold,
           COALESCE(s.ledger_pending, 0)::bigint AS ledger_pending
    FROM wallets w
    JOIN accounts a ON a.id = w.account_id
    LEFT JOIN sums s ON s.wallet_id = w.id
    ${walletFilter}
    ORDER BY w.id`;
  const mismatches: BucketMismatch[] = [];
  for (const r of rows) {
    for (const bucket of ["available", "hold", "pending"] as const) {
      const wallet = BigInt(r[bucket]);
      const ledger = BigInt(r[`ledger_${bucket}`]);
      if (wallet !== ledger) {
        mismatches.push({ walletId: r.wallet_id, accountId: r.account_id, email: r.email, bucket, wallet, ledger });
      }
    }
  }
  return { walletsChecked: rows.length, mismatches };
}

export function formatReconcileReport(report: ReconcileReport): string {
  if (report.mismatches.length === 0) {
    return `reconcile: OK, ${report.walletsChecked} wallets, every bucket equals the sum of its ledger entries`;
  }
  const lines = report.mismatches.map(
    (m) =>
      `  wallet ${m.walletId} (account ${m.accountId}, ${m.email}) ${m.bucket}: wallet says ${m.wallet}, ledger sums to ${m.ledger} (difference ${m.wallet - m.ledger})`,
  );
  return `reconcile: ${report.mismatches.length} mismatch(es) in ${report.walletsChecked} wallets\n${lines.join("\n")}`;
}
