import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { parseInput } from "../accounts/account.service.ts";
import { NotFoundError } from "../errors.ts";
import { type EntryLine, lockWallet, postMovement } from "../ledger/ledger.service.ts";
import { idempotent } from "./idempotency.service.ts";
import { ExternalId, PositiveMinorUnits, Title } from "./money-input.ts";
import { walletOfAccount } from "./wallet-lookup.ts";

const SaleInput = z.object({
  accountId: z.number().int().positive(),
  amount: PositiveMinorUnits,
  productId: z.number().int().positive().optional(),
  externalId: ExternalId,
  title: Title.optional(),
});
export type SaleInput = z.input<typeof SaleInput>;
export type SaleResult = { saleEntryId: number; affiliateEntryId: number | null };

/**
 * A fan unlocked a creator's product: the amount is credited to the creator's hold, the
 * product's counters move, and a referring affiliate earns its fee on top (the creator's
 * credit is not reduced). Idempotent by the caller's external id.
 */
export async function recordSale(prisma: PrismaClient, callerId: number, raw: SaleInput): Promise<SaleResult> {
  const input = parseInput(SaleInput, raw);
  const scope = { accountId: callerId, operation: "recordSale", key: input.externalId, input, walletOf: input.accountId };
  return idempotent(prisma, scope, async (tx) => {
    const wallet = await walletOfAccount(tx, input.accountId);
    const product = input.productId ? await tx.product.findUnique({ where: { id: input.productId } }) : null;
    if (input.productId && product?.accountId !== input.accountId) {
      throw new NotFoundError(`Product ${input.productId} does not belong to account ${input.accountId}`);
    }
    const referral = await tx.referral.findUnique({
      where: { referredId: input.accountId },
      include: { referrer: { select: { wallet: true } } },
    });
    const referrerWallet = referral?.referrer.wallet?.currencyId === wallet.currencyId ? referral.referrer.wallet : null;
    // Lock both wallets in id order so two sales can never deadlock.
    for (const id of [wallet.id, referrerWallet?.id].filter((x): x is number => x !== undefined).sort((a, b) => a - b)) {
      await lockWallet(tx, id);
    }
    const amount = BigInt(input.amount);
    const title = input.title ?? (product ? `Unlock: ${product.title}` : "Sale");
    const sale = await postMovement(tx, {
      walletId: wallet.id,
      lines: [saleLine(amount, title, input.externalId, product?.id ?? null)],
    });
    if (product) {
      await tx.product.update({
        where: { id: product.id },
        data: { unlockCount: { increment: 1 }, earnings: { increment: amount } },
      });
    }
    await tx.dashboardRollup.upsert({
      where: { accountId: input.accountId },
      create: { accountId: input.accountId, unlocks: product ? 1 : 0, productRevenue: product ? amount : 0n },
      update: product ? { unlocks: { increment: 1 }, productRevenue: { increment: amount } } : {},
    });
    let affiliateEntryId: number | null = null;
    const fee = referral && referrerWallet ? affiliateFee(amount, referral.feeBps) : 0n;
    if (referral && referrerWallet && fee > 0n) {
      const earning = await postMovement(tx, {
        walletId: referrerWallet.id,
        referralRevenueDelta: fee,
        lines: [affiliateLine(fee, input.accountId, input.externalId, sale.entries[0]!.id)],
      });
      affiliateEntryId = earning.entries[0]!.id;
    }
    return { saleEntryId: sale.entries[0]!.id, affiliateEntryId };
  });
}

/** The referrer's share, rounded down to whole minor units. */
export const affiliateFee = (amount: bigint, feeBps: number): bigint => (amount * BigInt(feeBps)) / 10_000n;

export function saleLine(amount: bigint, title: string, externalId: string | null, productId: number | null): EntryLine {
  return {
    bucket: "HOLD",
    amount,
    type: "SALE",
    status: "PENDING",
    title,
    externalId,
    productId,
    source: "External",
    destination: "Balance",
  };
}

export function affiliateLine(fee: bigint, fromAccountId: number, externalId: string | null, saleEntryId: number): EntryLine {
  return {
    bucket: "AVAILABLE",
    amount: fee,
    type: "AFFILIATE_EARNING",
    status: "AVAILABLE",
    title: "Referral revenue",
    counterpartyId: fromAccountId,
    externalId,
    referenceEntryId: saleEntryId,
  };
}
