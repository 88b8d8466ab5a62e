import { builder } from "../../graphql/builder.ts";
import { typedErrors } from "../../graphql/results.ts";
import { groupMembers } from "../accounts/account-group.service.ts";
import { AccountGroupType } from "../accounts/session.graphql.ts";
import { InvalidCursorError, ValidationError } from "../errors.ts";
import { AccountType, CurrencyType } from "../viewer/viewer.graphql.ts";
import { type GroupLedgerPage, groupLedgerPage } from "./group-ledger.ts";
import { LedgerEntry, PageInfo, transactionConnectionArgs } from "./ledger.graphql.ts";
import { MAX_PAGE_SIZE } from "./ledger-query.ts";

const GroupTransactionEdge = builder.objectRef<GroupLedgerPage["edges"][number]>("GroupTransactionEdge").implement({
  description: "One transaction of a group's merged ledger, with whose it is.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Opaque; bound to the group, the order and the filter." }),
    node: t.field({ type: LedgerEntry, description: "The transaction.", resolve: (e) => e.node }),
    account: t.field({
      type: AccountType,
      description: "The account whose wallet it moved.",
      resolve: async (e, _a, ctx) => {
        const wallet = (await ctx.loaders.walletById.load(e.node.walletId))!;
        return (await ctx.loaders.accountById.load(wallet.accountId))!;
      },
    }),
    currency: t.field({
      type: CurrencyType,
      description: "The currency of its amounts.",
      resolve: async (e, _a, ctx) =>
        (await ctx.loaders.currencyById.load((await ctx.loaders.walletById.load(e.node.walletId))!.currencyId))!,
    }),
  }),
});

const GroupTransactionConnection = builder.objectRef<GroupLedgerPage>("GroupTransactionConnection").implement({
  description: "The merged ledger of a master and its children, keyset-paginated (Relay connection).",
  fields: (t) => ({
    edges: t.field({ type: [GroupTransactionEdge], description: "The page, newest first by default.", resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, description: "Where this page sits.", resolve: (c) => c.pageInfo }),
  }),
});

builder.objectField(AccountGroupType, "transactions", (t) =>
  t.field({
    type: GroupTransactionConnection,
    authScopes: { can: "wallet.read" },
    description:
      "One feed for the whole group: the visible transactions of the master and every child (anyone else: its own), " +
      `merged by time, each edge naming its account and currency. At most ${MAX_PAGE_SIZE} per page.`,
    errors: typedErrors("AccountGroupTransactions", [InvalidCursorError, ValidationError]),
    args: transactionConnectionArgs,
    resolve: async (group, args, ctx) => {
      const wallets = await ctx.loaders.walletByAccountId.loadMany(groupMembers(group.accountId, group));
      const walletIds = wallets.flatMap((w) => (w && !(w instanceof Error) ? [w.id] : []));
      return groupLedgerPage(ctx.prisma, { key: group.accountId, walletIds }, args);
    },
  }),
);
