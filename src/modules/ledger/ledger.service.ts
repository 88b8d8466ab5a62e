import { randomUUID } from "node:crypto";
import { type LedgerEntry, Prisma } from "../../generated/prisma/client.ts";
import type { Bucket, LedgerStatus, LedgerType } from "../../generated/prisma/enums.ts";
import { AmountLimitError, InsufficientFundsError, NotFoundError } from "../errors.ts";
import { moneyLimits } from "../money-limits.ts";

/** One ledger line of a movement: a signed change to one bucket of the wallet. */
export type EntryLine = {
  bucket: Bucket;
  amount: bigint;
  type: LedgerType;
  status: LedgerStatus;
  title?: string | null;
  description?: string | null;
  fee?: bigint;
  externalId?: string | null;
  source?: string | null;
  destination?: string | null;
  payoutId?: number | null;
  invoiceId?: number | null;
  paymentMethodId?: number | null;
  productId?: number | null;
  counterpartyId?: number | null;
  /** false for the hidden leg of a transfer between buckets and for internal types. */
  visible?: boolean;
  referenceEntryId?: number | null;
};

export type Balances = { available: bigint; hold: bigint; pending: bigint; referralRevenue: bigint };

const BUCKET_FIELD = { AVAILABLE: "available", HOLD: "hold", PENDING: "pending" } as const;

/**
 * The only way balances change: locks the wallet row, applies the lines in order, refuses
 * (writing nothing) if any bucket would go below zero, and appends one ledger entry per
 * line with the bucket's balance after it, all inside the caller's transaction.
 */
export async function postMovement(
  tx: Prisma.TransactionClient,
  movement: { walletId: number; lines: EntryLine[]; referralRevenueDelta?: bigint; at?: Date },
): Promise<{ movementId: string; entries: LedgerEntry[]; balances: Balances }> {
  const limits = moneyLimits();
  const tooLarge = movement.lines.find(
    (l) => l.amount > BigInt(limits.maxMovementMinor) || -l.amount > BigInt(limits.maxMovementMinor),
  );
  const { balances, now, currencyId } = await lockWallet(tx, movement.walletId);
  if (tooLarge) throw new AmountLimitError("MOVEMENT", limits.maxMovementMinor, currencyId);
  // The clock read after taking the lock: within a wallet, created_at follows commit
  // order, so keyset pages never skip an entry that commits later.
  const createdAt = movement.at ?? now;
  const movementId = randomUUID();
  const rows = movement.lines.map((line) => {
    const field = BUCKET_FIELD[line.bucket];
    const after = balances[field] + line.amount;
    if (after < 0n) throw new InsufficientFundsError(line.bucket, balances[field], -line.amount, currencyId);
    if (after > BigInt(limits.maxBucketMinor)) throw new AmountLimitError("BALANCE", limits.maxBucketMinor, currencyId);
    balances[field] = after;
    return {
      walletId: movement.walletId,
      movementId,
      amount: line.amount,
      fee: line.fee ?? 0n,
      bucket: line.bucket,
      balanceAfter: after,
      type: line.type,
      status: line.status,
      title: line.title ?? null,
      description: line.description ?? null,
      externalId: line.externalId ?? null,
      source: line.source ?? null,
      destination: line.destination ?? null,
      payoutId: line.payoutId ?? null,
      invoiceId: line.invoiceId ?? null,
      paymentMethodId: line.paymentMethodId ?? null,
      productId: line.productId ?? null,
      counterpartyId: line.counterpartyId ?? null,
      visible: line.visible ?? true,
      referenceEntryId: line.referenceEntryId ?? null,
      createdAt,
    };
  });
  // Every entry of a movement carries the wallet as it stands after the whole movement.
  for (const row of rows)
    Object.assign(row, { availableAfter: balances.available, holdAfter: balances.hold, pendingAfter: balances.pending });
  balances.referralRevenue += movement.referralRevenueDelta ?? 0n;
  if (balances.referralRevenue > BigInt(limits.maxBucketMinor))
    throw new AmountLimitError("BALANCE", limits.maxBucketMinor, currencyId);
  await tx.wallet.update({
    where: { id: movement.walletId },
    data: { ...balances, updatedAt: createdAt },
  });
  const entries = await tx.ledgerEntry.createManyAndReturn({ data: rows });
  await addToDailyRollups(tx, movement.walletId, entries);
  return { movementId, entries: entries.sort((a, b) => a.id - b.id), balances };
}

/** SELECT ... FOR UPDATE: concurrent movements on one wallet run one after another. */
export async function lockWallet(
  tx: Prisma.TransactionClient,
  walletId: number,
): Promise<{ balances: Balances; now: Date; currencyId: number }> {
  const rows = await tx.$queryRaw<(Balances & { now: Date; currencyId: number })[]>`
    SELECT available, hold, pending, referral_revenue AS "referralRevenue", currency_id AS "currencyId", clock_timestamp() AS now
    FROM wallets WHERE id = ${walletId} FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new NotFoundError(`Wallet ${walletId} does not exist`);
  return {
    balances: {
      available: BigInt(row.available),
      hold: BigInt(row.hold),
      pending: BigInt(row.pending),
      referralRevenue: BigInt(row.referralRevenue),
    },
    now: new Date(row.now),
    currencyId: row.currencyId,
  };
}

/** Keeps ledger_daily_rollups (report sums) in step with the visible entries just written. */
async function addToDailyRollups(tx: Prisma.TransactionClient, walletId: number, entries: LedgerEntry[]): Promise<void> {
  const visible = entries.filter((e) => e.visible);
  if (visible.length === 0) return;
  const values = visible.map(
    (e) =>
      Prisma.sql`(CAST(${walletId} AS int), (CAST(${e.createdAt} AS timestamptz) AT TIME ZONE 'UTC')::date, CAST(${e.type} AS "LedgerType"),
        CAST(${e.paymentMethodId !== null} AS boolean), CAST(1 AS bigint), CAST(${e.amount} AS bigint), CAST(${e.fee} AS bigint))`,
  );
  await tx.$executeRaw`
    INSERT INTO ledger_daily_rollups AS r (wallet_id, day, type, with_payment_method, entry_count, amount_sum, fee_sum)
    SELECT wallet_id, day, type, with_payment_method, sum(entry_count), sum(amount_sum), sum(fee_sum)
    FROM (VALUES ${Prisma.join(values)}) AS v(wallet_id, day, type, with_payment_method, entry_count, amount_sum, fee_sum)
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (wallet_id, day, type, with_payment_method) DO UPDATE SET
      entry_count = r.entry_count + EXCLUDED.entry_count,
      amount_sum = r.amount_sum + EXCLUDED.amount_sum,
      fee_sum = r.fee_sum + EXCLUDED.fee_sum`;
}
