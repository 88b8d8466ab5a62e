import type { Database } from "../../db/database.ts";
import { Prisma, type Wallet } from "../../generated/prisma/client.ts";

const COLUMNS = [
  ["id", "id"],
  ["account_id", "accountId"],
  ["currency_id", "currencyId"],
  ["available", "available"],
  ["hold", "hold"],
  ["pending", "pending"],
  ["referral_revenue", "referralRevenue"],
  ["created_at", "createdAt"],
  ["updated_at", "updatedAt"],
] as const;

/**
 * A wallet's columns (table alias `w`) named as the Wallet model names them, each name after
 * `prefix` (for statements that bypass the Prisma runtime, joined with other rows).
 */
export const walletColumns = (prefix = ""): Prisma.Sql =>
  Prisma.raw(COLUMNS.map(([column, field]) => `w.${column} AS "${prefix}${field}"`).join(", "));

/** The wallet in a row of walletColumns(prefix), as a driver gives it (bigint columns may come as text). */
export function walletRow(row: Record<string, unknown>, prefix = ""): Wallet {
  const wallet = Object.fromEntries(COLUMNS.map(([, field]) => [field, row[prefix + field]])) as Wallet;
  return {
    ...wallet,
    available: BigInt(wallet.available),
    hold: BigInt(wallet.hold),
    pending: BigInt(wallet.pending),
    referralRevenue: BigInt(wallet.referralRevenue),
  };
}

/** Wallets by their accounts' ids or by their own, in one statement. */
export async function walletsWhere(db: Database, column: "account_id" | "id", ids: readonly number[]): Promise<Wallet[]> {
  const list = Prisma.join(ids.map((id) => Prisma.sql`CAST(${id} AS int)`));
  const rows = await db.query<Record<string, unknown>>(
    Prisma.sql`SELECT ${walletColumns()} FROM wallets w WHERE ${Prisma.raw(`w.${column}`)} IN (${list})`,
  );
  return rows.map((row) => walletRow(row));
}
