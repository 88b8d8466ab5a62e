import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { parseInput } from "../accounts/account.service.ts";
import type { TokenRole } from "../../generated/prisma/enums.ts";
import { refusal } from "../cashout/cashout.service.ts";
import { type CashoutSettings, DEFAULT_CASHOUT_SETTINGS, decideCashout } from "../cashout/cashout-rules.ts";
import { unlessTaken } from "../../db/unique-violation.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { type EntryLine, lockWallet, postMovement } from "../ledger/ledger.service.ts";
import { cashouts, countOutcome, payoutSettlements } from "../../metrics/domain-metrics.ts";
import { idempotent } from "./idempotency.service.ts";

export type PayoutResult = { payoutId: number };

/**
 * Cashout: the whole available balance moves to pending and a payout is REQUESTED. The
 * client sends no amount. The cashout rules (cashout-rules.ts, the preview's too) decide on
 * the balance held locked: nothing available is NoAvailableFundsError, a minimum or missing
 * payout details CashoutBlockedError, a role that may not ForbiddenError; nothing is written.
 */
export async function requestCashout(
  prisma: PrismaClient,
  accountId: number,
  options: { idempotencyKey?: string | null; role?: TokenRole; settings?: CashoutSettings } = {},
): Promise<PayoutResult> {
  const scope = { accountId, operation: "requestCashout", key: options.idempotencyKey, input: {}, walletOf: accountId };
  const settings = options.settings ?? DEFAULT_CASHOUT_SETTINGS;
  return countOutcome(cashouts, () =>
    idempotent(prisma, scope, async (tx) => {
      const [wallet, details] = await Promise.all([
        tx.wallet.findUnique({ where: { accountId }, include: { currency: true } }),
        tx.payoutDetails.findUnique({ where: { accountId } }),
      ]);
      if (!wallet) throw new NotFoundError(`Account ${accountId} has no wallet`);
      const { available } = (await lockWallet(tx, wallet.id)).balances;
      // The preview's rules, applied to the balance held locked.
      const state = { available, currency: wallet.currency, role: options.role ?? "OWNER", details } as const;
      const refused = refusal(decideCashout(state, settings));
      if (refused) throw refused;
      const payout = await tx.payout.create({ data: { walletId: wallet.id, currencyId: wallet.currencyId, amount: available } });
      await postMovement(tx, { walletId: wallet.id, lines: cashoutLines(available, payout.id) });
      return { payoutId: payout.id };
    }),
  );
}

const SettleInput = z.object({
  payoutId: z.number().int().positive(),
  status: z.enum(["PAID", "FAILED"]),
  failureCode: z.string().trim().min(1).max(100).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
});
export type SettleInput = z.input<typeof SettleInput>;

/**
 * The payment provider's verdict. PAID: the amount leaves pending (internal RELEASE_PENDING
 * entry). FAILED: it returns to available with a visible reversing entry and the failure
 * code. Settling again with the same verdict is a no-op; the opposite verdict is a conflict.
 */
export async function settlePayout(prisma: PrismaClient, callerId: number, raw: SettleInput): Promise<PayoutResult> {
  const input = parseInput(SettleInput, raw);
  const key = input.externalId ?? `payout:${input.payoutId}:${input.status}`;
  const settle = () =>
    idempotent(prisma, { accountId: callerId, operation: "settlePayout", key, input }, async (tx) => {
      const found = await tx.payout.findUnique({ where: { id: input.payoutId } });
      if (!found) throw new NotFoundError(`Payout ${input.payoutId} does not exist`);
      await lockWallet(tx, found.walletId);
      const payout = await tx.payout.findUniqueOrThrow({ where: { id: input.payoutId } }); // re-read under the lock
      if (payout.status === input.status) return { payoutId: payout.id };
      if (payout.status !== "REQUESTED") throw new ConflictError(`Payout ${payout.id} is already ${payout.status}`);
      const lines =
        input.status === "PAID"
          ? paidLines(payout.amount, payout.id)
          : failedLines(payout.amount, payout.id, input.failureCode ?? "payout_failed");
      await postMovement(tx, { walletId: payout.walletId, lines });
      await tx.payout
        .update({
          where: { id: payout.id },
          data: {
            status: input.status,
            settledAt: new Date(),
            failureCode: input.status === "FAILED" ? (input.failureCode ?? "payout_failed") : null,
            externalId: input.externalId ?? null,
          },
        })
        // Another caller's settlement (its own idempotency scope) may carry this provider id.
        .catch(
          unlessTaken("payouts", ["external_id"], () => ValidationError.field("externalId", "is already used by another payout")),
        );
      return { payoutId: payout.id };
    });
  return countOutcome(payoutSettlements, settle, () => input.status.toLowerCase());
}

/** available -> pending; only the available leg is shown to the creator. */
export function cashoutLines(amount: bigint, payoutId: number): EntryLine[] {
  return [
    {
      bucket: "AVAILABLE",
      amount: -amount,
      type: "CASHOUT",
      status: "PENDING",
      title: "Cashout requested",
      payoutId,
      source: "Balance",
      destination: "External",
    },
    { bucket: "PENDING", amount, type: "CASHOUT", status: "PENDING", payoutId, visible: false },
  ];
}

/** The payout left pending for good: the internal RELEASE_PENDING entry, never listed. */
export function paidLines(amount: bigint, payoutId: number): EntryLine[] {
  return [{ bucket: "PENDING", amount: -amount, type: "RELEASE_PENDING", status: "PAID", payoutId, visible: false }];
}

/** pending -> available, with a visible reversing entry carrying the failure code. */
export function failedLines(amount: bigint, payoutId: number, failureCode: string): EntryLine[] {
  return [
    { bucket: "PENDING", amount: -amount, type: "PAYOUT_FAILED", status: "FAILED", payoutId, visible: false },
    {
      bucket: "AVAILABLE",
      amount,
      type: "PAYOUT_FAILED",
      status: "FAILED",
      payoutId,
      title: "Payout failed: funds returned",
      description: failureCode,
    },
  ];
}
