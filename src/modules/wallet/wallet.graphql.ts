import { typedErrors } from "../../graphql/results.ts";
import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { InvalidCursorError, ValidationError } from "../errors.ts";
import { MAX_PAGE_SIZE } from "../ledger/ledger-query.ts";
import { LedgerConnectionType, LedgerFilterInput, LedgerPageType, transactionConnectionArgs } from "../ledger/ledger.graphql.ts";
import { groupMembers } from "../accounts/account-group.service.ts";
import { AccountType, CurrencyType, Viewer } from "../viewer/viewer.graphql.ts";
import { viewerWallet } from "./viewer-wallet.ts";

export const WalletType = builder.prismaObject("Wallet", {
  interfaces: [NodeInterface],
  description: "A creator's money in minor units of its currency. total = available + hold + pending.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Wallet")),
    available: t.field({ type: MoneyType, description: "Ready for payout.", resolve: (w) => money(w.available, w.currencyId) }),
    hold: t.field({
      type: MoneyType,
      description: "Sales still in their hold period.",
      resolve: (w) => money(w.hold, w.currencyId),
    }),
    pending: t.field({
      type: MoneyType,
      description: "Cashed out, payout in processing.",
      resolve: (w) => money(w.pending, w.currencyId),
    }),
    total: t.field({
      type: MoneyType,
      description: "available + hold + pending.",
      resolve: (w) => money(w.available + w.hold + w.pending, w.currencyId),
    }),
    referralRevenue: t.field({
      type: MoneyType,
      description: "Lifetime affiliate earnings.",
      resolve: (w) => money(w.referralRevenue, w.currencyId),
    }),
    cashoutAvailable: t.boolean({ description: "Whether available is positive.", resolve: (w) => w.available > 0n }),
    currency: t.field({
      description: "The currency of every amount of the wallet.",
      type: CurrencyType,
      resolve: async (w, _args, ctx) => (await ctx.loaders.currencyById.load(w.currencyId))!,
    }),
    transactions: t.field({
      type: LedgerConnectionType,
      description: `Visible ledger entries (internal ones such as RELEASE_PENDING are never listed). At most ${MAX_PAGE_SIZE} per page.`,
      errors: typedErrors("WalletTransactions", [InvalidCursorError, ValidationError]),
      args: transactionConnectionArgs,
      resolve: (wallet, args, ctx) => ctx.loaders.walletTransactions.load({ walletId: wallet.id, args }),
    }),
    transactionPage: t.field({
      type: LedgerPageType,
      description: "The same entries in numbered pages, newest first.",
      errors: typedErrors("WalletTransactionPage", [ValidationError]),
      args: {
        page: t.arg.int({ defaultValue: 1, description: "The page, from 1." }),
        perPage: t.arg.int({ defaultValue: 15, description: `Transactions per page, 1..${MAX_PAGE_SIZE}.` }),
        filter: t.arg({ type: LedgerFilterInput, description: "Only the transactions that match." }),
      },
      resolve: (wallet, args, ctx) =>
        ctx.loaders.walletPage.load({
          walletId: wallet.id,
          args: { page: args.page ?? 1, perPage: args.perPage ?? 15, filter: args.filter },
        }),
    }),
  }),
});

builder.objectField(Viewer, "wallet", (t) =>
  t.field({
    type: WalletType,
    authScopes: { can: "wallet.read" },
    nullable: true,
    description: "The viewer's wallet (null for accounts without one).",
    resolve: (viewer, _args, ctx, info) => viewerWallet(ctx, viewer.accountId, info),
  }),
);

builder.objectField(AccountType, "wallet", (t) =>
  t.field({
    type: WalletType,
    authScopes: { can: "wallet.read" },
    nullable: true,
    description:
      "The account's wallet: only for the viewer's own account and, for a master, its linked children; null otherwise.",
    resolve: async (account, _args, ctx) => {
      const viewer = ctx.viewer!;
      const visible = groupMembers(viewer.accountId, await ctx.loaders.accountGroup.load(viewer.accountId));
      return visible.includes(account.id) ? ctx.loaders.walletByAccountId.load(account.id) : null;
    },
  }),
);
