import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { revenueByReferredCreator } from "../modules/affiliate/referral.service.ts";

/** Builds a loader that fetches many rows in one query and answers in key order. */
function byKey<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => rows.get(key) ?? null);
  });
}

const lineItemsOf = (prisma: PrismaClient, invoiceIds: readonly number[]) =>
  prisma.invoiceLineItem.findMany({
    where: { invoiceId: { in: [...invoiceIds] } },
    orderBy: { id: "asc" },
    include: { account: { select: { displayName: true } } },
  });

/** One set per request, so nothing is cached across viewers. */
export function createLoaders(prisma: PrismaClient) {
  const loaders = {
    walletByAccountId: byKey(
      async (ids: readonly number[]) => {
        const wallets = await prisma.wallet.findMany({ where: { accountId: { in: [...ids] } } });
        for (const w of wallets) loaders.walletById.prime(w.id, w);
        return wallets;
      },
      (w) => w.accountId,
    ),
    currencyById: byKey(
      (ids: readonly number[]) => prisma.currency.findMany({ where: { id: { in: [...ids] } } }),
      (c) => c.id,
    ),
    payoutById: byKey(
      (ids: readonly number[]) => prisma.payout.findMany({ where: { id: { in: [...ids] } } }),
      (p) => p.id,
    ),
    invoiceById: byKey(
      (ids: readonly number[]) => prisma.invoice.findMany({ where: { id: { in: [...ids] } } }),
      (i) => i.id,
    ),
    walletById: byKey(
      (ids: readonly number[]) => prisma.wallet.findMany({ where: { id: { in: [...ids] } } }),
      (w) => w.id,
    ),
    /** Key: `${referrerWalletId}:${referredAccountId}`. */
    affiliateRevenue: new DataLoader<string, bigint>(async (keys) => {
      const pairs = keys.map((k) => {
        const [referrerWalletId, referredId] = k.split(":").map(Number) as [number, number];
        return { referrerWalletId, referredId };
      });
      const sums = await revenueByReferredCreator(prisma, pairs);
      return keys.map((k) => sums.get(k) ?? 0n);
    }),
    lineItemsByInvoiceId: new DataLoader<number, Awaited<ReturnType<typeof lineItemsOf>>>(async (ids) => {
      const items = await lineItemsOf(prisma, ids);
      return ids.map((id) => items.filter((item) => item.invoiceId === id));
    }),
    accountById: byKey(
      (ids: readonly number[]) => prisma.account.findMany({ where: { id: { in: [...ids] } } }),
      (a) => a.id,
    ),
  };
  return loaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
