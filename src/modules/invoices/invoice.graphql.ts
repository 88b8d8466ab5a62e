import { resultUnion, payloadOf } from "../../graphql/results.ts";
import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import type { Loaders } from "../../graphql/loaders.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { ForbiddenError, IdempotencyConflictError, NotFoundError, ValidationError, AmountLimitError } from "../errors.ts";
import { CurrencyType } from "../viewer/viewer.graphql.ts";
import { createPaidInvoice } from "./invoice.service.ts";

type LoadedLineItem = Awaited<ReturnType<Loaders["lineItemsByInvoiceId"]["load"]>>[number];

/**
 * The statuses the gateway records: it records paid invoices only (createInvoice), whose shares
 * are paid into the creators' balances. The database holds them in lower case ("paid"); a CHECK
 * keeps them to this set.
 */
const InvoiceStatusEnum = builder.enumType("InvoiceStatus", {
  description: "An invoice's status.",
  values: {
    PAID: { value: "paid", description: "Paid by the organisation; its shares were paid into the creators' balances." },
  } as const,
});
const InvoiceLineItemStatusEnum = builder.enumType("InvoiceLineItemStatus", {
  description: "A share's status.",
  values: { PAID: { value: "paid", description: "Paid into the creator's available balance." } } as const,
});

const LineItem = builder.objectRef<LoadedLineItem>("InvoiceLineItem").implement({
  interfaces: [NodeInterface],
  description: "One creator's share of an invoice.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("InvoiceLineItem")),
    amount: t.field({
      type: MoneyType,
      description: "The creator's share, paid into its available balance.",
      resolve: async (l, _a, ctx) => money(l.amount, (await ctx.loaders.invoiceById.load(l.invoiceId))!.currencyId),
    }),
    userId: t.exposeInt("accountId", { description: "The creator's legacy id." }),
    userName: t.string({ description: "The creator's display name.", resolve: (l) => l.account.displayName }),
    campaignName: t.exposeString("campaignName", { description: "The campaign the share is for.", nullable: true }),
    status: t.field({
      type: InvoiceLineItemStatusEnum,
      description: "The share's status.",
      resolve: (l) => l.status as "paid",
    }),
    refunded: t.exposeBoolean("refunded", { description: "Whether the share was refunded." }),
    creatorPayoutId: t.exposeInt("payoutId", { description: "The payout that paid it out, if any.", nullable: true }),
    description: t.exposeString("description", { description: "Shown with the line item.", nullable: true }),
  }),
});

export const InvoiceType = builder.prismaObject("Invoice", {
  interfaces: [NodeInterface],
  description: "An invoice whose payment lands in the ledger as entries referencing it.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Invoice")),
    status: t.field({ type: InvoiceStatusEnum, description: "The invoice's status.", resolve: (i) => i.status as "paid" }),
    description: t.exposeString("description", { description: "What it is for.", nullable: true }),
    hostedInvoiceUrl: t.exposeString("hostedInvoiceUrl", { description: "Where it can be viewed.", nullable: true }),
    total: t.field({ type: MoneyType, description: "The sum of the line items.", resolve: (i) => money(i.total, i.currencyId) }),
    paymentMethod: t.exposeString("paymentMethod", { description: "How it was paid, e.g. card.", nullable: true }),
    paidAt: t.expose("paidAt", { description: "When it was paid.", type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { description: "When it was recorded.", type: "DateTime" }),
    currency: t.field({
      description: "The currency of its amounts.",
      type: CurrencyType,
      resolve: async (i, _args, ctx) => (await ctx.loaders.currencyById.load(i.currencyId))!,
    }),
    lineItems: t.field({
      description: "One share per creator.",
      type: [LineItem],
      resolve: (i, _args, ctx) => ctx.loaders.lineItemsByInvoiceId.load(i.id),
    }),
  }),
});

const LineItemInput = builder.inputType("InvoiceLineItemInput", {
  description: "One creator's share of an invoice.",
  fields: (f) => ({
    accountId: f.int({ required: true, description: "A creator of the organisation's group." }),
    amount: f.field({ type: "SafeInt", required: true, description: "Minor units." }),
    campaignName: f.string({ description: "The campaign the share is for." }),
    description: f.string({ description: "Shown with the line item." }),
  }),
});

builder.mutationField("createInvoice", (t) =>
  t.field({
    authScopes: { can: "invoices.create" },
    type: InvoiceType,
    description: "Service: a paid invoice of an organisation; each line item is paid into its creator's available balance.",
    errors: {
      types: [ValidationError, ForbiddenError, NotFoundError, IdempotencyConflictError, AmountLimitError],
      union: resultUnion("CreateInvoice"),
      ...payloadOf("CreateInvoice", "invoice"),
    },
    args: {
      input: t.arg({
        description: "The paid invoice and its line items.",
        required: true,
        type: builder.inputType("CreateInvoiceInput", {
          description: "A paid organisation invoice and its line items.",
          fields: (f) => ({
            organizationId: f.int({
              description: "The organisation (a master or standalone account, legacy id).",
              required: true,
            }),
            externalId: f.string({ required: true, description: "The idempotency key." }),
            description: f.string({ description: "What the invoice is for." }),
            hostedInvoiceUrl: f.string({ description: "Where the invoice can be viewed." }),
            paymentMethod: f.string({ description: "How it was paid, e.g. card." }),
            paymentMethodId: f.int({ description: "The payment method's id at the provider." }),
            lineItems: f.field({
              description: "One line per creator of the organisation's group.",
              type: [LineItemInput],
              required: true,
            }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const { invoiceId } = await createPaidInvoice(ctx.db, viewer.accountId, {
        organizationId: input.organizationId,
        externalId: input.externalId,
        ...(input.description != null ? { description: input.description } : {}),
        ...(input.hostedInvoiceUrl != null ? { hostedInvoiceUrl: input.hostedInvoiceUrl } : {}),
        ...(input.paymentMethod != null ? { paymentMethod: input.paymentMethod } : {}),
        ...(input.paymentMethodId != null ? { paymentMethodId: input.paymentMethodId } : {}),
        lineItems: input.lineItems.map((l) => ({
          accountId: l.accountId,
          amount: l.amount,
          ...(l.campaignName != null ? { campaignName: l.campaignName } : {}),
          ...(l.description != null ? { description: l.description } : {}),
        })),
      });
      return ctx.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    },
  }),
);
