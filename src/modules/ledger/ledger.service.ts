import { type LedgerEntry, Prisma } from "../../generated/prisma/client.ts";
import type { Bucket, LedgerStatus, LedgerType } from "../../generated/prisma/enums.ts";
import { rebuildError, type StoredError } from "../wallet/idempotency-outcome.ts";
import { limitsArg } from "../wallet/movement.ts";

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

/**
 * The money primitive (SQL `ledger_post`) inside a caller's Prisma transaction, for the cold paths
 * that write more than a movement in one transaction (an invoice and its line items): locks the
 * wallet, applies the lines in order, refuses past the money bounds or below zero (writing
 * nothing), appends one entry per line with its balance after. The hot movements reach the same
 * SQL through wallet_move in one statement (wallet/movement.ts). The caller publishes the moved
 * wallets after its commit (movement.ts `published`).
 */
export async function postMovement(
  tx: Prisma.TransactionClient,
  movement: { walletId: number; lines: EntryLine[]; referralRevenueDelta?: bigint; at?: Date },
): Promise<{ entries: LedgerEntry[]; balances: Balances }> {
  const lines = JSON.stringify(movement.lines, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  let posted: { entries: { id: number }[]; balances: Record<keyof Balances, string> };
  try {
    const [row] = await tx.$queryRaw<{ posted: typeof posted }[]>`
      SELECT ledger_post(${movement.walletId}, ${lines}::jsonb, ${JSON.stringify(limitsArg())}::jsonb,
        ${movement.at ?? null}::timestamptz, ${movement.referralRevenueDelta ?? 0n}::bigint) AS posted`;
    posted = row!.posted;
  } catch (err) {
    throw domainErrorOf(err) ?? err;
  }
  const entries = await tx.ledgerEntry.findMany({
    where: { id: { in: posted.entries.map((e) => e.id) } },
    orderBy: { id: "asc" },
  });
  const b = posted.balances;
  return {
    entries,
    balances: {
      available: BigInt(b.available),
      hold: BigInt(b.hold),
      pending: BigInt(b.pending),
      referralRevenue: BigInt(b.referralRevenue),
    },
  };
}

/** The domain error a ledger function raised (SQLSTATE WL001, its message the error as JSON), in whatever wrapping the driver gave it. */
export function domainErrorOf(err: unknown, depth = 0): Error | null {
  if (!err || typeof err !== "object" || depth > 6) return null;
  const n = err as Record<string, unknown>;
  const message = n.originalMessage ?? n.message;
  if ((n.originalCode ?? n.code) === "WL001" && typeof message === "string")
    return rebuildError(JSON.parse(message) as StoredError);
  for (const key of ["cause", "meta", "driverAdapterError"]) {
    const found = domainErrorOf(n[key], depth + 1);
    if (found) return found;
  }
  return null;
}
