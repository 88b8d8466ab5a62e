import type { PrismaClient } from "../../generated/prisma/client.ts";
import { builder } from "../../graphql/builder.ts";
import { ErrorInterface } from "../../graphql/errors.ts";
import { typedErrors } from "../../graphql/results.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { Viewer } from "../viewer/viewer.graphql.ts";
import { CashoutBlockedError } from "./cashout-errors.ts";
import { type CashoutBlock, type CashoutDecision } from "./cashout-rules.ts";
import { cashoutDecision } from "./cashout.service.ts";
import {
  type DetailField,
  masked,
  missingDetails,
  requiredDetails,
  savePayoutDetails,
  type StoredDetails,
} from "./payout-details.ts";

const CashoutBlockReasonEnum = builder.enumType("CashoutBlockReason", {
  description: "Why a cashout may not happen now.",
  values: {
    ROLE_MAY_NOT_CASH_OUT: { description: "The token's role may not cash out (OWNER and ADMIN tokens may)." },
    NOTHING_AVAILABLE: { description: "The available balance is zero." },
    BELOW_MINIMUM: { description: "The available balance is below the currency's minimum cashout (CASHOUT_MINIMUMS)." },
    MISSING_PAYOUT_DETAILS: {
      description: "Payout details are required (CASHOUT_REQUIRE_PAYOUT_DETAILS) and some of the currency's are missing.",
    },
  } as const,
});

const CashoutBlockType = builder.objectRef<CashoutBlock>("CashoutBlock").implement({
  description: "One reason a cashout is blocked, with a sentence for people.",
  fields: (t) => ({
    reason: t.field({ type: CashoutBlockReasonEnum, description: "The reason, for programs.", resolve: (b) => b.reason }),
    message: t.exposeString("message", { description: "The reason, for people (amounts formatted)." }),
  }),
});

builder.objectType(CashoutBlockedError, {
  name: "CashoutBlockedError",
  description: "The cashout rules refuse it: every reason, as cashoutPreview shows them. Nothing was written.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CashoutBlockedError,
  fields: (t) => ({
    blockedBy: t.field({ type: [CashoutBlockType], description: "Every reason.", resolve: (e) => e.blocks }),
  }),
});

const CashoutPreviewType = builder.objectRef<CashoutDecision>("CashoutPreview").implement({
  description: "What a cashout would do now, decided by the same rules requestCashout applies.",
  fields: (t) => ({
    allowed: t.boolean({ description: "Whether requestCashout would succeed now.", resolve: (d) => d.blocks.length === 0 }),
    amount: t.field({
      type: MoneyType,
      description: "What it would pay: the whole available balance (zero when nothing is available).",
      resolve: (d) => money(d.amount, d.currencyId),
    }),
    blockedBy: t.field({
      type: [CashoutBlockType],
      description: "Every reason it may not, empty when allowed.",
      resolve: (d) => d.blocks,
    }),
  }),
});

builder.objectField(Viewer, "cashoutPreview", (t) =>
  t.field({
    type: CashoutPreviewType,
    nullable: true,
    authScopes: { can: "wallet.read" },
    description: "What requestCashout would pay now and every reason it would be refused (null without a wallet).",
    resolve: (viewer, _a, ctx) => cashoutDecision(ctx.prisma, viewer.accountId, viewer.role, ctx.cashout),
  }),
);

const PayoutDetailFieldEnum = builder.enumType("PayoutDetailField", {
  description: "A payout detail a currency's rail needs.",
  values: {
    IBAN: { value: "iban", description: "EUR: the account's IBAN." },
    BIC_SWIFT: { value: "bicSwift", description: "EUR: the bank's BIC/SWIFT code." },
    ACCOUNT_NUMBER: { value: "accountNumber", description: "USD: 4-17 digits; GBP: 8 digits." },
    ROUTING_NUMBER: { value: "routingNumber", description: "USD: the 9-digit ABA routing number." },
    SORT_CODE: { value: "sortCode", description: "GBP: the 6-digit sort code." },
  } as const,
});

type DetailsView = { currency: string; stored: StoredDetails | null };

const maskedField = (field: DetailField, description: string) =>
  ({ type: "String", nullable: true, description, resolve: (d: DetailsView) => masked(d.stored?.[field]) }) as const;

const PayoutDetailsType = builder.objectRef<DetailsView>("PayoutDetails").implement({
  description: "Where the account's payouts go; stored values show only their last four characters.",
  fields: (t) => ({
    required: t.field({
      type: [PayoutDetailFieldEnum],
      description: "What the account's currency needs (none for currencies without a rail here).",
      resolve: (d) => [...requiredDetails(d.currency)],
    }),
    missing: t.field({
      type: [PayoutDetailFieldEnum],
      description: "Which of those are not stored yet.",
      resolve: (d) => missingDetails(d.currency, d.stored),
    }),
    iban: t.field(maskedField("iban", "EUR: the IBAN, masked.")),
    bicSwift: t.field(maskedField("bicSwift", "EUR: the BIC/SWIFT code, masked.")),
    accountNumber: t.field(maskedField("accountNumber", "USD and GBP: the account number, masked.")),
    routingNumber: t.field(maskedField("routingNumber", "USD: the routing number, masked.")),
    sortCode: t.field(maskedField("sortCode", "GBP: the sort code, masked.")),
  }),
});

async function detailsView(ctx: { prisma: PrismaClient }, accountId: number): Promise<DetailsView> {
  const [account, stored] = await Promise.all([
    ctx.prisma.account.findUniqueOrThrow({ where: { id: accountId }, include: { currency: true } }),
    ctx.prisma.payoutDetails.findUnique({ where: { accountId } }),
  ]);
  return { currency: account.currency.code, stored };
}

builder.objectField(Viewer, "payoutDetails", (t) =>
  t.field({
    type: PayoutDetailsType,
    authScopes: { can: "wallet.read" },
    description: "Where the viewer's payouts go (masked), and what its currency needs.",
    resolve: (viewer, _a, ctx) => detailsView(ctx, viewer.accountId),
  }),
);

const SetPayoutDetailsPayload = builder.objectRef<DetailsView>("SetPayoutDetailsPayload").implement({
  description: "SetPayoutDetails succeeded.",
  fields: (t) => ({
    payoutDetails: t.field({ type: PayoutDetailsType, description: "The stored details (masked).", resolve: (d) => d }),
  }),
});

builder.mutationField("setPayoutDetails", (t) =>
  t.field({
    authScopes: { can: "payout.details" },
    type: SetPayoutDetailsPayload,
    description: "Store where the viewer's payouts go: exactly the fields its currency needs, each validated.",
    errors: typedErrors("SetPayoutDetails", [ValidationError, ForbiddenError, NotFoundError]),
    args: {
      input: t.arg({
        required: true,
        description:
          "The fields of the account's currency (EUR: iban, bicSwift; USD: accountNumber, routingNumber; GBP: accountNumber, sortCode).",
        type: builder.inputType("SetPayoutDetailsInput", {
          description: "Payout details; spaces and dashes are ignored.",
          fields: (f) => ({
            iban: f.string({ description: "EUR: an IBAN (checksum verified)." }),
            bicSwift: f.string({ description: "EUR: a BIC/SWIFT code of 8 or 11 characters." }),
            accountNumber: f.string({ description: "USD: 4-17 digits; GBP: 8 digits." }),
            routingNumber: f.string({ description: "USD: a 9-digit ABA routing number (checksum verified)." }),
            sortCode: f.string({ description: "GBP: 6 digits, e.g. 12-34-56." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const { currency } = await detailsView(ctx, viewer.accountId);
      const stored = await savePayoutDetails(ctx.prisma, viewer.accountId, currency, input);
      return { currency, stored };
    },
  }),
);
