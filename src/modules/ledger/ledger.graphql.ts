import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { money, MoneyType, walletCurrencyId } from "../money/money.graphql.ts";
import { InvoiceType } from "../invoices/invoice.graphql.ts";
import { CurrencyType } from "../viewer/viewer.graphql.ts";
import { PayoutType } from "../wallet/payout.graphql.ts";
import { type LedgerConnection, type LedgerRow, MAX_PAGE_SIZE } from "./ledger-query.ts";
import type { LedgerPage } from "./numbered-page.ts";
import { STUDIO_ACTIONS, studioAction, UNKNOWN_ACTION_DESCRIPTION } from "./studio-action.ts";

export const LedgerTypeEnum = builder.enumType("TransactionType", {
  description: "What moved the money.",
  values: {
    SALE: { description: "A fan unlocked a product: credited to hold." },
    HOLD_RELEASE: { description: "A sale's hold period passed: hold to available." },
    AFFILIATE_EARNING: { description: "The referrer's fee on a referred creator's sale." },
    CASHOUT: { description: "Everything available moved to pending for a payout." },
    RELEASE_PENDING: { description: "A paid payout left pending (internal, never listed)." },
    PAYOUT_FAILED: { description: "A failed payout returned to available." },
    REFUND: { description: "A sale refunded to the fan." },
    DISPUTE: { description: "A sale charged back." },
    DEPOSIT: { description: "A manual deposit." },
    WITHDRAWAL: { description: "A manual withdrawal." },
    INVOICE_PAYMENT: { description: "A creator's share of a paid organisation invoice." },
  } as const,
});
export const LedgerStatusEnum = builder.enumType("TransactionStatus", {
  description: "Where the money of a transaction stands.",
  values: {
    PENDING: { description: "Not available yet (on hold or in a payout)." },
    AVAILABLE: { description: "Available to the creator." },
    PAID: { description: "Paid out." },
    FAILED: { description: "A payout that failed." },
    REVERSED: { description: "Reversed by a later entry." },
  } as const,
});
export const BucketEnum = builder.enumType("Bucket", {
  description: "The part of a wallet an entry changes.",
  values: {
    AVAILABLE: { description: "Ready for payout." },
    HOLD: { description: "Sales in their hold period." },
    PENDING: { description: "Cashed out, payout in processing." },
  } as const,
});
export const LedgerOrderEnum = builder.enumType("TransactionOrder", {
  description: "The order of a transaction list.",
  values: {
    DATE_DESC: { description: "Newest first." },
    DATE_ASC: { description: "Oldest first." },
  } as const,
});
export const StudioActionEnum = builder.enumType("StudioAction", {
  description: "The Studio API's action vocabulary; types without an equivalent are UNKNOWN.",
  values: Object.fromEntries(
    STUDIO_ACTIONS.map((a) => [
      a.toUpperCase(),
      { description: a === "unknown" ? "A type the Studio API has no name for." : `The Studio API's \`${a}\` action.` },
    ]),
  ),
});

export const LedgerFilterInput = builder.inputType("TransactionFilter", {
  description: "Filters of a wallet's transactions (each optional; all of them together narrow).",
  fields: (t) => ({
    from: t.field({ type: "DateTime", description: "Entries created at or after this instant." }),
    to: t.field({ type: "DateTime", description: "Entries created at or before this instant." }),
    types: t.field({ description: "Only these types.", type: [LedgerTypeEnum] }),
    buckets: t.field({ description: "Only these buckets.", type: [BucketEnum] }),
    uuid: t.string({ description: "Exactly this entry (its transaction_uuid)." }),
  }),
});

export const LedgerEntry = builder.objectRef<LedgerRow>("Transaction").implement({
  interfaces: [NodeInterface],
  description: "One append-only ledger entry: a signed change to one bucket of one wallet.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Transaction")),
    uuid: t.exposeString("uuid", { description: "Stable UUID (the Studio API's transaction_id)." }),
    amount: t.field({
      type: MoneyType,
      description: "Signed: positive credits, negative debits.",
      resolve: async (e, _a, ctx) => money(e.amount, await walletCurrencyId(ctx, e.walletId)),
    }),
    fee: t.field({
      type: MoneyType,
      description: "Processing fee.",
      resolve: async (e, _a, ctx) => money(e.fee, await walletCurrencyId(ctx, e.walletId)),
    }),
    net: t.field({
      type: MoneyType,
      description: "amount - fee.",
      resolve: async (e, _a, ctx) => money(e.amount - e.fee, await walletCurrencyId(ctx, e.walletId)),
    }),
    bucket: t.expose("bucket", { description: "The bucket it changed.", type: BucketEnum }),
    balanceAfter: t.field({
      type: MoneyType,
      description: "The bucket's balance right after this entry.",
      resolve: async (e, _a, ctx) => money(e.balanceAfter, await walletCurrencyId(ctx, e.walletId)),
    }),
    type: t.expose("type", { description: "What moved the money.", type: LedgerTypeEnum }),
    studioAction: t.field({
      description: "Its name in the Studio API.",
      type: StudioActionEnum,
      resolve: (e) => studioAction(e.type).toUpperCase(),
    }),
    status: t.field({ description: "Where its money stands.", type: LedgerStatusEnum, resolve: (e) => e.status as "PENDING" }),
    title: t.exposeString("title", { description: "A short label.", nullable: true }),
    description: t.string({
      nullable: true,
      description: "For types the Studio API cannot name, a generic placeholder.",
      resolve: (e) => e.description ?? (studioAction(e.type) === "unknown" ? UNKNOWN_ACTION_DESCRIPTION : e.title),
    }),
    createdAt: t.expose("createdAt", { description: "When it was written (the ledger's order).", type: "DateTime" }),
    externalId: t.exposeString("externalId", { description: "The caller's id of the movement (idempotency).", nullable: true }),
    source: t.exposeString("source", { description: "Where the money came from, if recorded.", nullable: true }),
    destination: t.exposeString("destination", { description: "Where the money went, if recorded.", nullable: true }),
    paymentMethodId: t.exposeInt("paymentMethodId", { description: "The payment method's id at the provider.", nullable: true }),
    currency: t.field({
      description: "The wallet's currency.",
      type: CurrencyType,
      resolve: async (e, _args, ctx) => {
        const wallet = await ctx.loaders.walletById.load(e.walletId);
        return (await ctx.loaders.currencyById.load(wallet!.currencyId))!;
      },
    }),
    payout: t.field({
      description: "The payout it belongs to, if any.",
      type: PayoutType,
      nullable: true,
      resolve: (e, _args, ctx) => (e.payoutId ? ctx.loaders.payoutById.load(e.payoutId) : null),
    }),
    invoice: t.field({
      description: "The invoice that paid it, if any.",
      type: InvoiceType,
      nullable: true,
      resolve: (e, _args, ctx) => (e.invoiceId ? ctx.loaders.invoiceById.load(e.invoiceId) : null),
    }),
  }),
});

/** Relay's PageInfo: the one shape every connection of this schema pages with. */
export const PageInfo = builder.objectRef<LedgerConnection["pageInfo"]>("PageInfo").implement({
  description: "Where a page sits in its connection (Relay cursor connections).",
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage", { description: "More items follow (page on with after: endCursor)." }),
    hasPreviousPage: t.exposeBoolean("hasPreviousPage", {
      description: "Items come before (page back with before: startCursor).",
    }),
    startCursor: t.exposeString("startCursor", {
      nullable: true,
      description: "The first item's cursor (null for an empty page).",
    }),
    endCursor: t.exposeString("endCursor", { nullable: true, description: "The last item's cursor (null for an empty page)." }),
  }),
});

const LedgerEdge = builder.objectRef<LedgerConnection["edges"][number]>("TransactionEdge").implement({
  description: "One transaction and its cursor.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Opaque; bound to the order and filter it came from." }),
    node: t.field({ type: LedgerEntry, description: "The transaction.", resolve: (e) => e.node }),
  }),
});

export const LedgerConnectionType = builder.objectRef<LedgerConnection>("TransactionConnection").implement({
  description: "Keyset-paginated ledger entries. Cursors are opaque and bound to the order and filter they came from.",
  fields: (t) => ({
    edges: t.field({ type: [LedgerEdge], description: "The page, with a cursor per transaction.", resolve: (c) => c.edges }),
    nodes: t.field({
      type: [LedgerEntry],
      description: "The page's transactions (edges without cursors).",
      resolve: (c) => c.edges.map((e) => e.node),
    }),
    pageInfo: t.field({ type: PageInfo, description: "Where this page sits.", resolve: (c) => c.pageInfo }),
    totalCount: t.int({ description: "Entries matching the filter (one extra query).", resolve: (c) => c.totalCount() }),
  }),
});

export const LedgerPageType = builder.objectRef<LedgerPage>("TransactionPage").implement({
  description: "Numbered pages, newest first (for legacy clients).",
  fields: (t) => ({
    items: t.field({ description: "The page's transactions.", type: [LedgerEntry], resolve: (p) => p.items }),
    total: t.exposeInt("total", { description: "Transactions matching the filter." }),
    currentPage: t.exposeInt("currentPage", { description: "This page's number." }),
    perPage: t.exposeInt("perPage", { description: "Transactions per page." }),
    lastPage: t.exposeInt("lastPage", { description: "The last page's number." }),
  }),
});

/** The arguments of every transaction connection (a wallet's, a group's). */
export const transactionConnectionArgs = builder.args((t) => ({
  first: t.int({ description: `Page size from the start, 1..${MAX_PAGE_SIZE}.` }),
  after: t.string({ description: "Continue after this cursor (from pageInfo.endCursor)." }),
  last: t.int({ description: `Page size from the end, 1..${MAX_PAGE_SIZE} (with before).` }),
  before: t.string({ description: "Continue before this cursor (from pageInfo.startCursor)." }),
  filter: t.field({ type: LedgerFilterInput, description: "Only the transactions that match." }),
  order: t.field({ type: LedgerOrderEnum, defaultValue: "DATE_DESC", description: "Newest or oldest first." }),
}));
