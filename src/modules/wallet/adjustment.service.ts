import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { parseInput } from "../accounts/account.service.ts";
import type { LedgerRow } from "../ledger/ledger-query.ts";
import { ExternalId, PositiveMinorUnits, Title } from "./money-input.ts";
import { move } from "./movement.ts";
import { walletIdOf } from "./wallet-keys.ts";

export type EntryResult = { entryId: number; entries?: LedgerRow[] };

const AdjustmentInput = z.object({
  accountId: z.number().int().positive(),
  amount: PositiveMinorUnits,
  externalId: ExternalId,
  description: Title.optional(),
});
export type AdjustmentInput = z.input<typeof AdjustmentInput>;

/** Manual deposit (+available) or withdrawal (-available, never below zero): wallet_adjust. */
export async function adjustBalance(
  db: Database,
  callerId: number,
  kind: "DEPOSIT" | "WITHDRAWAL",
  raw: AdjustmentInput,
): Promise<EntryResult> {
  const input = parseInput(AdjustmentInput, raw);
  const { result, entries } = await move<EntryResult>(db, {
    kind: "adjust",
    args: { ...input, kind },
    caller: callerId,
    operation: kind === "DEPOSIT" ? "recordDeposit" : "recordWithdrawal",
    key: input.externalId,
    input,
    walletId: await walletIdOf(db, "account", input.accountId),
  });
  return { ...result, entries };
}

const ReversalInput = z.object({
  saleUuid: z.uuid("must be a UUID"),
  amount: PositiveMinorUnits.optional(),
  externalId: ExternalId,
  description: Title.optional(),
});
export type ReversalInput = z.input<typeof ReversalInput>;

/**
 * A refund or a dispute (chargeback) of one sale (wallet_reverse). While the sale is still on
 * hold it can only be reversed in full, from hold. Once released, it is taken from available
 * (partial amounts allowed, never more than the sale in total, never below zero). Waits in the
 * sale's wallet's lane like every movement.
 */
export async function reverseSale(
  db: Database,
  callerId: number,
  kind: "REFUND" | "DISPUTE",
  raw: ReversalInput,
): Promise<EntryResult> {
  const input = parseInput(ReversalInput, raw);
  const { result, entries } = await move<EntryResult>(db, {
    kind: "reverse",
    args: { ...input, kind },
    caller: callerId,
    operation: kind === "REFUND" ? "recordRefund" : "recordDispute",
    key: input.externalId,
    input,
    walletId: await walletIdOf(db, "sale", input.saleUuid),
  });
  return { ...result, entries };
}
