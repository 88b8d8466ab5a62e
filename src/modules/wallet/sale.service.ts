import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { parseInput } from "../accounts/account.service.ts";
import type { LedgerRow } from "../ledger/ledger-query.ts";
import { ExternalId, PositiveMinorUnits, Title } from "./money-input.ts";
import { ValidationError } from "../errors.ts";
import { move, moveBatch } from "./movement.ts";
import { walletIdOf, walletIdsOfAccounts } from "./wallet-keys.ts";

const SaleInput = z.object({
  accountId: z.number().int().positive(),
  amount: PositiveMinorUnits,
  productId: z.number().int().positive().optional(),
  externalId: ExternalId,
  title: Title.optional(),
});
export type SaleInput = z.input<typeof SaleInput>;
export type SaleResult = { saleEntryId: number; affiliateEntryId: number | null; entries?: LedgerRow[] };

/**
 * A fan unlocked a creator's product: the amount is credited to the creator's hold, the
 * product's counters move, and a referring affiliate earns its fee on top (the creator's
 * credit is not reduced). Idempotent by the caller's external id. One statement (wallet_sale).
 */
export async function recordSale(db: Database, callerId: number, raw: SaleInput): Promise<SaleResult> {
  const input = parseInput(SaleInput, raw);
  const { result, entries } = await move<SaleResult>(db, {
    kind: "sale",
    args: input,
    caller: callerId,
    operation: "recordSale",
    key: input.externalId,
    input,
    walletId: await walletIdOf(db, "account", input.accountId),
  });
  return { ...result, entries };
}

/** The most sales one recordSales call takes. */
export const MAX_SALES_PER_CALL = 100;

/**
 * A service's batch of sales in a few statements and commits (movement.ts moveBatch): each sale
 * idempotent by its own externalId, each answered in input order with its result or its typed
 * error (an invalid sale is refused alone; the others are still written).
 */
export async function recordSales(db: Database, callerId: number, raw: { sales: SaleInput[] }): Promise<(SaleResult | Error)[]> {
  if (raw.sales.length === 0 || raw.sales.length > MAX_SALES_PER_CALL)
    throw ValidationError.field("sales", `must list between 1 and ${MAX_SALES_PER_CALL} sales`);
  const parsed = raw.sales.map((sale, i) => {
    const result = SaleInput.safeParse(sale);
    return result.success
      ? result.data
      : new ValidationError(
          result.error.issues.map((issue) => ({ field: ["sales", i, ...issue.path].join("."), message: issue.message })),
        );
  });
  const valid = parsed.filter((p): p is z.output<typeof SaleInput> => !(p instanceof ValidationError));
  const wallets = await walletIdsOfAccounts(
    db,
    valid.map((s) => s.accountId),
  );
  const moved = await moveBatch<SaleResult>(db, {
    kind: "sale",
    caller: callerId,
    operation: "recordSale",
    items: valid.map((input) => ({ key: input.externalId, input, args: input, walletId: wallets.get(input.accountId) ?? null })),
  });
  let next = 0;
  return parsed.map((p) => {
    if (p instanceof ValidationError) return p;
    const m = moved[next++]!;
    return m instanceof Error ? m : { ...m.result, entries: m.entries };
  });
}
