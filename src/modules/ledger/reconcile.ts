import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";

export type BucketMismatch = {
  walletId: number;
  accountId: number;
  email: string;
  bucket: "available" | "hold" | "pending";
  wallet: bigint;
  ledger: bigint;
};

/** A day of ledger_daily_rollups that disagrees with the visible entries it summarises. */
export type RollupMismatch = {
  walletId: number;
  day: string;
  type: string;
  rollupCount: bigint;
  ledgerCount: bigint;
  rollupSum: bigint;
  ledgerSum: bigint;
};

export type ReconcileReport = { walletsChecked: number; mismatches: BucketMismatch[]; rollupMismatches: RollupMismatch[] };

/**
 * Proves the ledger invariant: for every wallet and bucket, the bucket equals the sum of
 * that bucket's entries. One aggregate query; returns every mismatch, not just the first.
 */
export async function reconcile(
  prisma: PrismaClient,
  scope: { walletIds?: number[]; onProgress?: (message: string) => void } = {},
): Promise<ReconcileReport> {
  const started = performance.now();
  scope.onProgress?.("reconcile: summing the ledger per wallet and bucket...");
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
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  scope.onProgress?.(`reconcile: ${rows.length} wallets checked (${seconds()} s); checking the daily report rollups...`);
  const rollups = await rollupMismatches(prisma, scope.walletIds);
  scope.onProgress?.(`reconcile: done in ${seconds()} s`);
  return { walletsChecked: rows.length, mismatches, rollupMismatches: rollups };
}

/** The report rollups must equal the entries they summarise, day by day (one aggregate query). */
async function rollupMismatches(prisma: PrismaClient, walletIds: number[] | undefined): Promise<RollupMismatch[]> {
  const inScope = (column: Prisma.Sql) => (walletIds ? Prisma.sql`AND ${column} IN (${Prisma.join(walletIds)})` : Prisma.empty);
  const rows = await prisma.$queryRaw<
    { wallet_id: number; day: string; type: string; rollup_n: bigint; ledger_n: bigint; rollup_sum: bigint; ledger_sum: bigint }[]
  >`
    WITH ledger AS (
      SELECT wallet_id, (created_at AT TIME ZONE 'UTC')::date AS day, type, payment_method_id IS NOT NULL AS wpm,
             count(*)::bigint AS n, SUM(amount)::bigint AS amount, SUM(fee)::bigint AS fee
      FROM ledger_entries WHERE visible ${inScope(Prisma.sql`wallet_id`)}
      GROUP BY 1, 2, 3, 4
    ), rollups AS (
      SELECT wallet_id, day, type, with_payment_method AS wpm, entry_count AS n, amount_sum AS amount, fee_sum AS fee
      FROM ledger_daily_rollups WHERE true ${inScope(Prisma.sql`wallet_id`)}
    )
    SELECT COALESCE(l.wallet_id, r.wallet_id) AS wallet_id, COALESCE(l.day, r.day)::text AS day, COALESCE(l.type, r.type)::text AS type,
           COALESCE(r.n, 0)::bigint AS rollup_n, COALESCE(l.n, 0)::bigint AS ledger_n,
           COALESCE(r.amount, 0)::bigint AS rollup_sum, COALESCE(l.amount, 0)::bigint AS ledger_sum
    FROM ledger l FULL JOIN rollups r ON r.wallet_id = l.wallet_id AND r.day = l.day AND r.type = l.type AND r.wpm = l.wpm
    WHERE l.n IS DISTINCT FROM r.n OR l.amount IS DISTINCT FROM r.amount OR l.fee IS DISTINCT FROM r.fee
    ORDER BY 1, 2, 3`;
  return rows
    .filter((r) => !(BigInt(r.rollup_n) === 0n && BigInt(r.ledger_n) === 0n))
    .map((r) => ({
      walletId: r.wallet_id,
      day: r.day,
      type: r.type,
      rollupCount: BigInt(r.rollup_n),
      ledgerCount: BigInt(r.ledger_n),
      rollupSum: BigInt(r.rollup_sum),
      ledgerSum: BigInt(r.ledger_sum),
    }));
}

export function formatReconcileReport(report: ReconcileReport): string {
  const rollupLines = report.rollupMismatches.map(
    (m) =>
      `  wallet ${m.walletId} ${m.day} ${m.type}: rollup says ${m.rollupCount} entries / ${m.rollupSum}, ledger has ${m.ledgerCount} entries / ${m.ledgerSum}`,
  );
  const rollups = rollupLines.length
    ? `\nreconcile: ${rollupLines.length} daily rollup mismatch(es)\n${rollupLines.join("\n")}`
    : "";
  if (report.mismatches.length === 0) {
    return `reconcile: OK, ${report.walletsChecked} wallets, every bucket equals the sum of its ledger entries${rollups}`;
  }
  const lines = report.mismatches.map(
    (m) =>
      `  wallet ${m.walletId} (account ${m.accountId}, ${m.email}) ${m.bucket}: wallet says ${m.wallet}, ledger sums to ${m.ledger} (difference ${m.wallet - m.ledger})`,
  );
  return `reconcile: ${report.mismatches.length} mismatch(es) in ${report.walletsChecked} wallets\n${lines.join("\n")}${rollups}`;
}
