import { typedErrors } from "../../graphql/results.ts";
import { builder } from "../../graphql/builder.ts";
import {
  AmountLimitError,
  BusyError,
  ConflictError,
  ForbiddenError,
  IdempotencyConflictError,
  InsufficientFundsError,
  NoAvailableFundsError,
  NotFoundError,
  ValidationError,
} from "../errors.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type LedgerRow, ledgerRowById } from "../ledger/ledger-query.ts";
import { CashoutBlockedError } from "../cashout/cashout-errors.ts";
import { LedgerEntry } from "../ledger/ledger.graphql.ts";
import { MoneyType } from "../money/money.graphql.ts";
import { adjustBalance, type EntryResult, reverseSale } from "./adjustment.service.ts";
import { type HoldReleaseResult, releaseHolds } from "./hold-release.service.ts";
import { PayoutStatusEnum, PayoutType } from "./payout.graphql.ts";
import { requestCashout, settlePayout } from "./payout.service.ts";
import { MAX_SALES_PER_CALL, recordSale, recordSales, type SaleResult } from "./sale.service.ts";

const COMMON_ERRORS = [ValidationError, ForbiddenError, NotFoundError, IdempotencyConflictError, AmountLimitError];
const errors = (name: string, extra: (new (...args: never[]) => Error)[] = []) => typedErrors(name, [...COMMON_ERRORS, ...extra]);

/** `<Mutation>Payload { payout }`: one payload type per mutation, as every mutation has. */
const payoutPayload = (name: string) =>
  builder.objectRef<{ payoutId: number }>(name).implement({
    description: "The payout the mutation created or settled.",
    fields: (t) => ({
      payout: t.field({
        type: PayoutType,
        description: "The payout.",
        resolve: async (p, _a, ctx) => (await ctx.loaders.payoutById.load(p.payoutId))!,
      }),
    }),
  });

/** An entry the movement wrote: from its own answer, or read (a replay answers ids only). */
const entryOf = (p: { entries?: LedgerRow[] }, id: number, ctx: { prisma: PrismaClient }) =>
  p.entries?.find((e) => e.id === id) ?? ledgerRowById(ctx.prisma, id);

/** `<Mutation>Payload { transaction }`: the ledger entry the movement wrote. */
const transactionPayload = (name: string) =>
  builder.objectRef<EntryResult>(name).implement({
    description: "The transaction the movement wrote.",
    fields: (t) => ({
      transaction: t.field({
        type: LedgerEntry,
        description: "The transaction written.",
        resolve: (p, _a, ctx) => entryOf(p, p.entryId, ctx),
      }),
    }),
  });

const SalePayload = builder.objectRef<SaleResult>("RecordSalePayload").implement({
  description: "RecordSale succeeded: the sale entry and, for a referred creator, the referrer's fee entry.",
  fields: (t) => ({
    sale: t.field({
      description: "The sale's entry in the creator's hold.",
      type: LedgerEntry,
      resolve: (p, _a, ctx) => entryOf(p, p.saleEntryId, ctx),
    }),
    affiliateEarning: t.field({
      type: LedgerEntry,
      nullable: true,
      description: "The referrer's fee, when the creator was referred (an entry of the referrer's wallet).",
      resolve: (p, _a, ctx) => (p.affiliateEntryId ? entryOf(p, p.affiliateEntryId, ctx) : null),
    }),
  }),
});

const ReleasePayload = builder.objectRef<HoldReleaseResult>("ReleaseHoldsPayload").implement({
  description: "ReleaseHolds succeeded: how much moved from hold to available.",
  fields: (t) => ({
    walletsReleased: t.exposeInt("walletsReleased", { description: "Wallets that received released money." }),
    salesReleased: t.exposeInt("salesReleased", { description: "Sales whose hold ended now." }),
    amountsReleased: t.field({
      type: [MoneyType],
      description: "What moved, one amount per currency (by currency id; none when nothing was released).",
      resolve: (p) => p.released,
    }),
  }),
});

builder.mutationField("requestCashout", (t) =>
  t.field({
    authScopes: { can: "wallet.cashout" },
    type: payoutPayload("RequestCashoutPayload"),
    description: "Cash out the viewer's whole available balance (no amount: it is always everything available).",
    errors: errors("RequestCashout", [NoAvailableFundsError, CashoutBlockedError]),
    args: {
      input: t.arg({
        description: "An optional idempotency key (`{}` is fine).",
        required: true,
        type: builder.inputType("RequestCashoutInput", {
          description: "A cashout request (the amount is always everything available).",
          fields: (f) => ({ idempotencyKey: f.string({ description: "Retries with the same key return the first result." }) }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      return requestCashout(ctx.db, viewer.accountId, {
        idempotencyKey: input.idempotencyKey,
        role: viewer.role,
        settings: ctx.cashout,
      });
    },
  }),
);

const SaleInput = builder.inputType("RecordSaleInput", {
  description: "A fan's unlock of a creator's product.",
  fields: (f) => ({
    accountId: f.int({ required: true, description: "The creator who sold." }),
    amount: f.field({ type: "SafeInt", required: true, description: "Minor units of the creator's currency." }),
    productId: f.int({ description: "The product unlocked, if any (legacy id)." }),
    externalId: f.string({ required: true, description: "The caller's id of the sale: the idempotency key." }),
    title: f.string({ description: "Shown with the transaction (default: the product's title)." }),
  }),
});

builder.mutationField("recordSale", (t) =>
  t.field({
    authScopes: { can: "ledger.record" },
    type: SalePayload,
    description: "Service: a fan unlocked a product. Credits the creator's hold; a referrer earns its fee.",
    errors: errors("RecordSale"),
    args: {
      input: t.arg({
        description: "The sale: creator, amount, product and the caller's id of it.",
        type: SaleInput,
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      return recordSale(ctx.db, viewer.accountId, {
        accountId: input.accountId,
        amount: input.amount,
        externalId: input.externalId,
        ...(input.productId ? { productId: input.productId } : {}),
        ...(input.title ? { title: input.title } : {}),
      });
    },
  }),
);

/** One result per sale, in input order: its payload, or the typed error that refused it alone. */
const SalesPayload = builder.objectRef<{ results: (SaleResult | Error)[] }>("RecordSalesPayload").implement({
  description: "RecordSales ran: one result per sale, in the order of the input.",
  fields: (t) => ({
    results: t.field({
      type: [SalePayload],
      description: "Each sale's payload or typed error, in input order (the other sales were still written).",
      itemErrors: {
        types: [ValidationError, NotFoundError, IdempotencyConflictError, AmountLimitError, BusyError],
        directResult: true,
        union: {
          name: "RecordSalesItemResult",
          description: "One sale of a recordSales batch: its payload, or the typed error that refused it.",
        },
      },
      // Errors of other kinds are not a sale's own: they fail the call (masked, or 409/503 for contention).
      resolve: (p) => p.results as SaleResult[],
    }),
  }),
});

builder.mutationField("recordSales", (t) =>
  t.field({
    authScopes: { can: "ledger.record" },
    type: SalesPayload,
    description: `Service: up to ${MAX_SALES_PER_CALL} sales in one call (a statement and a commit per quarter of their wallets), each idempotent by its externalId (the same keys as recordSale's), each answered in order (a sale whose wallet stayed busy: BusyError, retry it). One rate-limit point per call; an HTTP 503 for the call is safe to retry whole.`,
    errors: errors("RecordSales"),
    args: {
      input: t.arg({
        description: "The sales.",
        required: true,
        type: builder.inputType("RecordSalesInput", {
          description: `Up to ${MAX_SALES_PER_CALL} sales.`,
          fields: (f) => ({
            sales: f.field({ type: [SaleInput], required: true, description: "The sales, each as recordSale takes it." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      results: await recordSales(ctx.db, ctx.viewer!.accountId, {
        sales: input.sales.map((sale) => ({
          accountId: sale.accountId,
          amount: sale.amount,
          externalId: sale.externalId,
          ...(sale.productId ? { productId: sale.productId } : {}),
          ...(sale.title ? { title: sale.title } : {}),
        })),
      }),
    }),
  }),
);

builder.mutationField("releaseHolds", (t) =>
  t.field({
    authScopes: { can: "ledger.record" },
    type: ReleasePayload,
    description: "Service: move sales whose hold period has passed to available. Safe to repeat.",
    errors: errors("ReleaseHolds"),
    args: {
      input: t.arg({
        description: "Which wallet (default: all) and which hold period (default: the configured one).",
        required: true,
        type: builder.inputType("ReleaseHoldsInput", {
          description: "Which holds to release (default: every wallet, the configured hold period).",
          fields: (f) => ({
            accountId: f.int({ description: "Only this account's wallet (default: every wallet)." }),
            holdPeriodDays: f.int({ description: "Default: the configured hold period." }),
          }),
        }),
      }),
    },
    resolve: (_root, { input }, ctx) => {
      const days = input.holdPeriodDays ?? ctx.holdPeriodDays;
      if (!Number.isInteger(days) || days < 0 || days > 365)
        throw ValidationError.field("holdPeriodDays", "must be between 0 and 365");
      return releaseHolds(ctx.db, {
        holdPeriodMs: days * 86_400_000,
        ...(input.accountId ? { accountId: input.accountId } : {}),
      });
    },
  }),
);

builder.mutationField("settlePayout", (t) =>
  t.field({
    authScopes: { can: "ledger.record" },
    type: payoutPayload("SettlePayoutPayload"),
    description: "Service: the payment provider paid (PAID) or rejected (FAILED) a payout.",
    errors: errors("SettlePayout", [ConflictError]),
    args: {
      input: t.arg({
        description: "The payout and the provider's verdict.",
        type: builder.inputType("SettlePayoutInput", {
          description: "The payment provider's verdict on a payout.",
          fields: (f) => ({
            payoutId: f.int({ description: "The payout (legacy id).", required: true }),
            status: f.field({ type: PayoutStatusEnum, required: true, description: "PAID or FAILED." }),
            failureCode: f.string({ description: "With FAILED: the provider's reason." }),
            externalId: f.string({ description: "The provider's id of the settlement: the idempotency key." }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      if (input.status === "REQUESTED") throw ValidationError.field("status", "must be PAID or FAILED");
      return settlePayout(ctx.db, viewer.accountId, {
        payoutId: input.payoutId,
        status: input.status,
        ...(input.failureCode ? { failureCode: input.failureCode } : {}),
        ...(input.externalId ? { externalId: input.externalId } : {}),
      });
    },
  }),
);

const ReversalInput = builder.inputType("SaleReversalInput", {
  description: "A refund or chargeback of one sale.",
  fields: (f) => ({
    saleUuid: f.string({ required: true, description: "The sale's ledger entry uuid." }),
    amount: f.field({
      type: "SafeInt",
      description: "Default: all that is left of the sale. A sale on hold is reversed in full.",
    }),
    externalId: f.string({ required: true, description: "The idempotency key." }),
    description: f.string({ description: "Shown with the reversing transaction." }),
  }),
});

for (const [field, kind] of [
  ["recordRefund", "REFUND"],
  ["recordDispute", "DISPUTE"],
] as const) {
  builder.mutationField(field, (t) =>
    t.field({
      authScopes: { can: "ledger.record" },
      type: transactionPayload(`${field.charAt(0).toUpperCase()}${field.slice(1)}Payload`),
      description: `Service: a ${kind === "REFUND" ? "refund" : "chargeback"} of one sale (never takes a bucket below zero).`,
      errors: errors(field.charAt(0).toUpperCase() + field.slice(1), [ConflictError, InsufficientFundsError]),
      args: {
        input: t.arg({
          description: "The sale reversed, how much, and the caller's id of the reversal.",
          type: ReversalInput,
          required: true,
        }),
      },
      resolve: (_root, { input }, ctx) => {
        const viewer = ctx.viewer!;
        return reverseSale(ctx.db, viewer.accountId, kind, {
          saleUuid: input.saleUuid,
          externalId: input.externalId,
          ...(input.amount != null ? { amount: input.amount } : {}),
          ...(input.description ? { description: input.description } : {}),
        });
      },
    }),
  );
}

const AdjustmentInput = builder.inputType("BalanceAdjustmentInput", {
  description: "A manual deposit or withdrawal on a creator's available balance.",
  fields: (f) => ({
    accountId: f.int({ description: "The creator whose available balance changes (legacy id).", required: true }),
    amount: f.field({ type: "SafeInt", required: true, description: "Positive minor units." }),
    externalId: f.string({ required: true, description: "The idempotency key." }),
    description: f.string({ description: "Shown with the transaction." }),
  }),
});

for (const [field, kind] of [
  ["recordDeposit", "DEPOSIT"],
  ["recordWithdrawal", "WITHDRAWAL"],
] as const) {
  builder.mutationField(field, (t) =>
    t.field({
      authScopes: { can: "ledger.record" },
      type: transactionPayload(`${field.charAt(0).toUpperCase()}${field.slice(1)}Payload`),
      description: `Service: a manual ${kind === "DEPOSIT" ? "deposit to" : "withdrawal from"} available.`,
      errors: errors(field.charAt(0).toUpperCase() + field.slice(1), [InsufficientFundsError]),
      args: {
        input: t.arg({
          description: "Whose available balance, how much, and the caller's id of the adjustment.",
          type: AdjustmentInput,
          required: true,
        }),
      },
      resolve: (_root, { input }, ctx) => {
        const viewer = ctx.viewer!;
        return adjustBalance(ctx.db, viewer.accountId, kind, {
          accountId: input.accountId,
          amount: input.amount,
          externalId: input.externalId,
          ...(input.description ? { description: input.description } : {}),
        });
      },
    }),
  );
}
