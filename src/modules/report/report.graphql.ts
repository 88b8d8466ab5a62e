import { typedErrors } from "../../graphql/results.ts";
import { builder } from "../../graphql/builder.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { InvoiceType } from "../invoices/invoice.graphql.ts";
import { toGlobalId } from "../node/global-id.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { formatMoney } from "./money-format.ts";
import { type Report, type ReportRow, type ReportSums, reportScope, transactionReport } from "./report.service.ts";
import { reportStatus, reportTypeOf } from "./report-types.ts";

const ReportTypeEnum = builder.enumType("ReportTransactionType", {
  description: "The Stats API's transaction categories.",
  values: {
    PAYMENT: { description: "Money in for work done: sales, hold releases, affiliate earnings, invoice payments." },
    PAYOUT: { description: "Money out to the creator: cashouts and their settlement." },
    DEPOSIT: { description: "A manual deposit." },
    WITHDRAWAL: { description: "A manual withdrawal." },
    DISPUTE: { description: "A refund or chargeback of a sale." },
  } as const,
});

const ReportStatusEnum = builder.enumType("ReportTransactionStatus", {
  description:
    "Where a report's transaction stands (the Stats API shows these as Paid, Available, Pending, Failed, Refunded, Disputed).",
  values: {
    PAID: { value: "Paid", description: "Paid out (a settled cashout, a withdrawal)." },
    AVAILABLE: { value: "Available", description: "In the available balance." },
    PENDING: { value: "Pending", description: "On hold, or a cashout not settled yet." },
    FAILED: { value: "Failed", description: "A payout that failed (its money returned to available)." },
    REFUNDED: { value: "Refunded", description: "A sale refunded, or the refund itself." },
    DISPUTED: { value: "Disputed", description: "A chargeback." },
  } as const,
});

const formatted = (row: ReportRow, minor: bigint) =>
  formatMoney(minor, { symbol: row.currencySymbol, minorUnits: row.minorUnits });
const signed = (amount: bigint, fee: bigint) => amount + (amount < 0n ? -fee : fee);

const ReportTransaction = builder.objectRef<ReportRow>("ReportTransaction").implement({
  description: "One ledger transaction of an organisation report (the Stats API's Transaction object).",
  fields: (t) => ({
    id: t.id({
      description: "The Transaction's global id: node(id:) refetches the ledger entry this row shows.",
      resolve: (r) => toGlobalId("Transaction", r.id),
    }),
    legacyId: t.exposeInt("id", { description: "The transaction's legacy id (the Stats API's id)." }),
    amount: t.field({
      type: MoneyType,
      description: "Signed: negative takes money out.",
      resolve: (r) => money(r.amount, r.currencyId),
    }),
    formattedAmount: t.string({
      description: 'Currency-aware, sign included: "-$12.50".',
      resolve: (r) => formatted(r, r.amount),
    }),
    transactionType: t.field({
      description: "The Stats API's category.",
      type: ReportTypeEnum,
      resolve: (r) => reportTypeOf(r.type),
    }),
    currency: t.string({ description: "Lower-case ISO code.", resolve: (r) => r.currencyCode.toLowerCase() }),
    formattedFeeAmount: t.string({ description: "The fee, formatted with its currency.", resolve: (r) => formatted(r, r.fee) }),
    formattedTotal: t.string({
      description: "Amount including fees (the fee on top of the amount, same sign).",
      resolve: (r) => formatted(r, signed(r.amount, r.fee)),
    }),
    status: t.field({ type: ReportStatusEnum, description: "Where the transaction stands.", resolve: (r) => reportStatus(r) }),
    balance: t.field({
      type: MoneyType,
      description: "Available balance after the transaction.",
      resolve: (r) => money(r.availableAfter, r.currencyId),
    }),
    pendingBalance: t.field({
      type: MoneyType,
      description: "Pending balance after the transaction.",
      resolve: (r) => money(r.pendingAfter, r.currencyId),
    }),
    description: t.string({ description: "Shown with the row.", nullable: true, resolve: (r) => r.description ?? r.title }),
    organizationId: t.exposeInt("organizationId", { description: "The account (organisation) of the row." }),
    organizationName: t.exposeString("organizationName", { description: "Its display name." }),
    organizationLogoUrl: t.exposeString("organizationLogoUrl", { description: "Its logo.", nullable: true }),
    organizationSlug: t.exposeString("organizationSlug", { description: "Its slug." }),
    creatorPayoutId: t.exposeInt("payoutId", { description: "The payout it belongs to, if any.", nullable: true }),
    invoiceId: t.exposeInt("invoiceId", { description: "That invoice's legacy id.", nullable: true }),
    paymentMethodId: t.exposeInt("paymentMethodId", { description: "The payment method's id at the provider.", nullable: true }),
    externalId: t.exposeString("externalId", { description: "The platform's id of the movement.", nullable: true }),
    source: t.exposeString("source", { description: "Where the money came from, if recorded.", nullable: true }),
    destination: t.exposeString("destination", { description: "Where the money went, if recorded.", nullable: true }),
    createdAt: t.expose("createdAt", { description: "When the movement happened.", type: "DateTime" }),
    invoice: t.field({
      description: "The invoice that paid it, if any.",
      type: InvoiceType,
      nullable: true,
      resolve: (r, _a, ctx) => (r.invoiceId ? ctx.loaders.invoiceById.load(r.invoiceId) : null),
    }),
  }),
});

type SumKey = Exclude<keyof ReportSums, "currencyId" | "currencyCode" | "rowCount">;
const sum = (description: string, key: SumKey) =>
  ({ description, type: MoneyType, resolve: (s: ReportSums) => money(s[key], s.currencyId) }) as const;

const Sums = builder.objectRef<ReportSums>("ReportSums").implement({
  description: "Sums over the whole filtered set (not just the page) for one currency.",
  fields: (t) => ({
    currencyCode: t.exposeString("currencyCode", { description: "The currency of these sums." }),
    rowCount: t.exposeInt("rowCount", { description: "Rows in this currency." }),
    amountSum: t.field(sum("All amounts of the filtered rows.", "amountSum")),
    feeSum: t.field(sum("Processing fees.", "feeSum")),
    payoutSum: t.field(sum("Payouts.", "payoutSum")),
    paymentSum: t.field(sum("Payments (sales, releases, earnings, invoices).", "paymentSum")),
    depositSum: t.field(sum("Deposits.", "depositSum")),
    withdrawalSum: t.field(sum("Withdrawals.", "withdrawalSum")),
    disputeSum: t.field(sum("Disputes and refunds.", "disputeSum")),
    payoutOtherSum: t.field(sum("Payouts to a payment method.", "payoutOtherSum")),
    payoutBalanceSum: t.field(sum("Payouts from the balance.", "payoutBalanceSum")),
  }),
});

const ReportType = builder.objectRef<Report>("TransactionReport").implement({
  description: "One page of the organisation transaction report, with sums over the whole filtered set.",
  fields: (t) => ({
    rows: t.field({ description: "This page's rows, newest first.", type: [ReportTransaction], resolve: (r) => r.rows }),
    rowCount: t.exposeInt("rowCount", { description: "Rows matching the filter." }),
    pageCount: t.exposeInt("pageCount", { description: "How many pages there are." }),
    currentPage: t.exposeInt("page", { description: "This page's number." }),
    perPage: t.exposeInt("perPage", { description: "Rows per page." }),
    sumsByCurrency: t.field({ type: [Sums], description: "Never adds different currencies together.", resolve: (r) => r.sums }),
  }),
});

const ReportFilterInput = builder.inputType("ReportFilter", {
  description: "Filters of the organisation report (each optional; all of them together narrow).",
  fields: (f) => ({
    childOrganizationId: f.int({ description: "One organisation of the caller's group." }),
    from: f.field({ description: "Rows created at or after this instant.", type: "DateTime" }),
    to: f.field({ type: "DateTime", description: "Inclusive." }),
    transactionType: f.field({ description: "Only this category.", type: ReportTypeEnum }),
    search: f.string({ description: "Case-insensitive match on the creator's display name." }),
  }),
});

builder.queryField("transactionReport", (t) =>
  t.field({
    authScopes: { can: "report.read" },
    type: ReportType,
    description: "The caller's organisation (a master with its children, or itself) as one transaction report, newest first.",
    errors: typedErrors("TransactionReport", [ValidationError, ForbiddenError]),
    args: {
      filter: t.arg({ type: ReportFilterInput, description: "Only the rows that match (the sums too)." }),
      page: t.arg.int({ defaultValue: 1, description: "The page, from 1." }),
      perPage: t.arg.int({ defaultValue: 10, description: "Rows per page, 1..100." }),
    },
    resolve: async (_root, args, ctx) => {
      const viewer = ctx.viewer!;
      const filter = args.filter ?? {};
      const scope = await reportScope(ctx.prisma, viewer.accountId, filter.childOrganizationId);
      return transactionReport(ctx.prisma, scope, {
        filter: {
          from: filter.from ?? null,
          to: filter.to ?? null,
          type: filter.transactionType ?? null,
          search: filter.search ?? null,
        },
        page: args.page ?? 1,
        perPage: args.perPage ?? 10,
      });
    },
  }),
);
