import DataLoader from "dataloader";
import { type Conversion, conversions, type FeeChange, feeHistories } from "../modules/affiliate/analytics.service.ts";
import type { Database } from "../db/database.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { currenciesById } from "../modules/money/currency-cache.ts";
import { walletsWhere } from "../modules/wallet/wallet-rows.ts";
import { type AccountGroupInfo, accountGroupOf } from "../modules/accounts/account-group.service.ts";
import { revenueByReferredCreator } from "../modules/affiliate/referral.service.ts";
import {
  type ConnectionRequest,
  connectionRequestKey,
  type LedgerConnection,
  ledgerConnections,
} from "../modules/ledger/ledger-query.ts";
import { type LedgerPage, ledgerPage, type NumberedPageArgs, numberedPageKey } from "../modules/ledger/numbered-page.ts";

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

type TransactionsKey = { walletId: number; args: ConnectionRequest };
const transactionsKey = (k: TransactionsKey) => `${k.walletId}:${connectionRequestKey(k.args)}`;

/**
 * Pages of many wallets' transactions: keys with the same arguments (a list of wallets asking
 * for `transactions(first: 5)`) become one LATERAL statement.
 */
function walletTransactionsLoader(db: Database) {
  return new DataLoader<TransactionsKey, LedgerConnection, string>(
    async (keys) => {
      const groups = new Map<string, { args: ConnectionRequest; walletIds: number[] }>();
      for (const k of keys) {
        const argsKey = connectionRequestKey(k.args);
        const group = groups.get(argsKey) ?? { args: k.args, walletIds: [] };
        group.walletIds.push(k.walletId);
        groups.set(argsKey, group);
      }
      const results = new Map<string, LedgerConnection | Error>();
      for (const group of groups.values()) {
        try {
          for (const [walletId, result] of await ledgerConnections(db, group.walletIds, group.args))
            results.set(transactionsKey({ walletId, args: group.args }), result);
        } catch (err) {
          for (const walletId of group.walletIds) results.set(transactionsKey({ walletId, args: group.args }), err as Error);
        }
      }
      return keys.map((k) => results.get(transactionsKey(k))!);
    },
    { cacheKeyFn: transactionsKey },
  );
}

/** One set per request, so nothing is cached across viewers. */
export function createLoaders(db: Database) {
  const prisma = db.prisma;
  const loaders = {
    walletTransactions: walletTransactionsLoader(db),
    /** Numbered pages of a wallet (legacy clients): one statement each; primed by the viewer's wallet read. */
    walletPage: new DataLoader<{ walletId: number; args: NumberedPageArgs }, LedgerPage, string>(
      (keys) => Promise.all(keys.map((k) => ledgerPage(db, k.walletId, k.args).catch((err: Error) => err))),
      { cacheKeyFn: (k) => numberedPageKey(k.walletId, k.args) },
    ),
    /** An account's agency group (asked for the viewer, once per request). */
    accountGroup: new DataLoader<number, AccountGroupInfo>((ids) => Promise.all(ids.map((id) => accountGroupOf(prisma, id)))),
    walletByAccountId: byKey(
      async (ids: readonly number[]) => {
        const wallets = await walletsWhere(db, "account_id", ids);
        for (const w of wallets) loaders.walletById.prime(w.id, w);
        return wallets;
      },
      (w) => w.accountId,
    ),
    currencyById: byKey(
      (ids: readonly number[]) => currenciesById(prisma, ids),
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
      (ids: readonly number[]) => walletsWhere(db, "id", ids),
      (w) => w.id,
    ),
    /** Key: `${referrerWalletId}:${referredAccountId}`. */
    /** `${referrerWalletId}:${referredId}` -> what the referrer earned from that creator, and since when. */
    affiliateEarnings: new DataLoader<string, { revenue: bigint; firstEarningAt: Date | null }>(async (keys) => {
      const pairs = keys.map((k) => {
        const [referrerWalletId, referredId] = k.split(":").map(Number) as [number, number];
        return { referrerWalletId, referredId };
      });
      const sums = await revenueByReferredCreator(prisma, pairs);
      return keys.map((k) => sums.get(k) ?? { revenue: 0n, firstEarningAt: null });
    }),
    feeHistory: new DataLoader<number, FeeChange[]>(async (ids) => {
      const histories = await feeHistories(prisma, ids);
      return ids.map((id) => histories.get(id) ?? []);
    }),
    invitationConversion: new DataLoader<number, Conversion>(async (ids) => {
      const found = await conversions(prisma, ids);
      return ids.map((id) => found.get(id) ?? { visits: 0, registrations: 0, firstEarnings: 0 });
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
