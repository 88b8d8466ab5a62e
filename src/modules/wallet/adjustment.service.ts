import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { parseInput } from "../accounts/account.service.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { lockWallet, postMovement } from "../ledger/ledger.service.ts";
import { idempotent } from "./idempotency.service.ts";
import { ExternalId, PositiveMinorUnits, Title } from "./money-input.ts";
import { walletOfAccount } from "./wallet-lookup.ts";

export type EntryResult = { entryId: number };

const AdjustmentInput = z.object({
  accountId: z.number().int().positive(),
  amount: PositiveMinorUnits,
  externalId: ExternalId,
  description: Title.optional(),
});
export type AdjustmentInput = z.input<typeof AdjustmentInput>;

/** Manual deposit (+available) or withdrawal (-available, never below zero). */
export async function adjustBalance(
  prisma: PrismaClient,
  callerId: number,
  kind: "DEPOSIT" | "WITHDRAWAL",
  raw: AdjustmentInput,
): Promise<EntryResult> {
  const input = parseInput(AdjustmentInput, raw);
  const operation = kind === "DEPOSIT" ? "recordDeposit" : "recordWithdrawal";
  const scope = { accountId: callerId, operation, key: input.externalId, input, walletOf: input.accountId };
  return idempotent(prisma, scope, async (tx) => {
    const wallet = await walletOfAccount(tx, input.accountId);
    const amount = BigInt(input.amount);
    const { entries } = await postMovement(tx, {
      walletId: wallet.id,
      lines: [
        {
          bucket: "AVAILABLE",
          amount: kind === "DEPOSIT" ? amount : -amount,
          type: kind,
          status: "AVAILABLE",
          title: kind === "DEPOSIT" ? "Deposit" : "Withdrawal",
          description: input.description ?? null,
          externalId: input.externalId,
          source: kind === "DEPOSIT" ? "External" : "Balance",
          destination: kind === "DEPOSIT" ? "Balance" : "External",
        },
      ],
    });
    return { entryId: entries[0]!.id };
  });
}

const ReversalInput = z.object({
  saleUuid: z.uuid("must be a UUID"),
  amount: PositiveMinorUnits.optional(),
  externalId: ExternalId,
  description: Title.optional(),
});
export type ReversalInput = z.input<typeof ReversalInput>;

/**
 * A refund or a dispute (chargeback) of one sale. While the sale is still on hold it can
 * only be reversed in full, from hold. Once released, it is taken from available (partial
 * amounts allowed, never more than the sale in total, never below zero).
 */
export async function reverseSale(
  prisma: PrismaClient,
  callerId: number,
  kind: "REFUND" | "DISPUTE",
  raw: ReversalInput,
): Promise<EntryResult> {
  const input = parseInput(ReversalInput, raw);
  const operation = kind === "REFUND" ? "recordRefund" : "recordDispute";
  return idempotent(prisma, { accountId: callerId, operation, key: input.externalId, input }, async (tx) => {
    const sale = await tx.ledgerEntry.findUnique({ where: { uuid: input.saleUuid } });
    if (!sale || sale.type !== "SALE") throw new NotFoundError(`Sale ${input.saleUuid} does not exist`);
    await lockWallet(tx, sale.walletId); // read the sale's follow-ups under the lock
    const followUps = await tx.ledgerEntry.findMany({ where: { referenceEntryId: sale.id } });
    const closing = followUps.find((e) => e.bucket === "HOLD" && e.amount < 0n);
    const reversed = followUps.filter((e) => e.type === "REFUND" || e.type === "DISPUTE").reduce((sum, e) => sum - e.amount, 0n);
    const amount = input.amount === undefined ? sale.amount - reversed : BigInt(input.amount);
    if (closing && closing.type !== "HOLD_RELEASE")
      throw new ConflictError(`Sale ${input.saleUuid} was already reversed in full`);
    if (!closing && amount !== sale.amount) {
      throw ValidationError.field("amount", `a sale still on hold can only be reversed in full (${sale.amount})`);
    }
    if (amount <= 0n || reversed + amount > sale.amount) {
      throw ValidationError.field("amount", `at most ${sale.amount - reversed} of this sale is left to reverse`);
    }
    const { entries } = await postMovement(tx, {
      walletId: sale.walletId,
      lines: [
        {
          bucket: closing ? "AVAILABLE" : "HOLD",
          amount: -amount,
          type: kind,
          status: "AVAILABLE",
          title: kind === "REFUND" ? "Refund" : "Dispute",
          description: input.description ?? null,
          externalId: input.externalId,
          referenceEntryId: sale.id,
          productId: sale.productId,
          source: "Balance",
          destination: "External",
        },
      ],
    });
    return { entryId: entries[0]!.id };
  });
}
