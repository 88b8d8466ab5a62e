import { type StatsTransactionsQuery, StatsTransactionsDocument } from "../../generated/graphql.ts";
import { unixSeconds } from "../formatting.ts";
import { json } from "../legacy-envelope.ts";
import { intParam } from "../query-params.ts";
import { ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";
import { statsError } from "../surfaces.ts";

const TYPES = ["payment", "payout", "deposit", "withdrawal", "dispute"] as const;
const DATE = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})$/;

/** MM/DD/YYYY (or MM/DD/YY, read as 20YY) as the start of that UTC day; throws naming the parameter. */
function day(params: URLSearchParams, name: string): Date | null {
  const raw = params.get(name);
  if (raw === null || raw === "") return null;
  const m = DATE.exec(raw.trim());
  const year = m ? (m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3])) : Number.NaN;
  const date = m ? new Date(Date.UTC(year, Number(m[1]) - 1, Number(m[2]))) : null;
  if (!date || Number.isNaN(date.getTime()) || date.getUTCMonth() !== Number(m![1]) - 1 || date.getUTCDate() !== Number(m![2])) {
    throw new RouteParamError(`The ${name} parameter must be a date in MM/DD/YYYY format.`);
  }
  return date;
}

function positive(params: URLSearchParams, name: string, fallback: number, max?: number): number {
  const value = intParam(params, name) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || (max !== undefined && value > max)) {
    throw new RouteParamError(`The ${name} parameter must be an integer ${max ? `between 1 and ${max}` : "of at least 1"}.`);
  }
  return value;
}

function variables(_req: Request, url: URL) {
  const params = url.searchParams;
  const page = positive(params, "page", 1);
  const perPage = positive(params, "per_page", 10, 100);
  const child = params.get("child_organization_id");
  const childOrganizationId = child === null || child === "" ? null : positive(params, "child_organization_id", 0);
  const from = day(params, "start_date");
  const end = day(params, "end_date");
  if (from && end && from > end) throw new RouteParamError("The start_date parameter must not be after end_date.");
  const type = params.get("transaction_type");
  if (type !== null && type !== "" && !TYPES.includes(type.toLowerCase() as (typeof TYPES)[number])) {
    throw new RouteParamError(`The transaction_type parameter must be one of ${TYPES.join(", ")}.`);
  }
  const search = params.get("search")?.trim() || null;
  if (search && search.length > 100) throw new RouteParamError("The search parameter must be at most 100 characters.");
  return {
    page,
    perPage,
    filter: {
      childOrganizationId,
      from: from?.toISOString() ?? null,
      to: end ? new Date(end.getTime() + 86_399_999).toISOString() : null,
      transactionType: type ? (type.toUpperCase() as "PAYMENT") : null,
      search,
    },
  };
}

type Report = Extract<StatsTransactionsQuery["transactionReport"], { __typename: "TransactionReport" }>;
type Row = Report["rows"][number];

const mmddyy = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(2, 4)}`;
const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

function transaction(r: Row) {
  return {
    id: r.id,
    formatted_amount: r.formattedAmount,
    transaction_type: titleCase(r.transactionType),
    currency: r.currency,
    formatted_fee_amount: r.formattedFeeAmount,
    formatted_total: r.formattedTotal,
    status: titleCase(r.status), // the Stats API's display strings: PAID -> "Paid"
    balance: r.balance.amount,
    pending_balance: r.pendingBalance.amount,
    description: r.description ?? null,
    organization_id: r.organizationId,
    creator_payout_id: r.creatorPayoutId ?? null,
    invoice_id: r.invoiceId ?? null,
    payment_method_id: r.paymentMethodId ?? null,
    external_id: r.externalId ?? null,
    source: r.source ?? null,
    destination: r.destination ?? null,
    created: unixSeconds(r.createdAt),
    organization_name: r.organizationName,
    organization_logo_url: r.organizationLogoUrl ?? null,
    organization_slug: r.organizationSlug,
    invoice_description: r.invoice?.description ?? null,
    invoice: r.invoice
      ? {
          id: r.invoice.id,
          currency: r.invoice.currency.code.toLowerCase(),
          hosted_invoice_url: r.invoice.hostedInvoiceUrl ?? null,
          status: r.invoice.status.toLowerCase(),
          total_formatted: r.invoice.total.amount,
          created_at_formatted: mmddyy(r.invoice.createdAt),
          description: r.invoice.description ?? null,
          pretty_status: titleCase(r.invoice.status),
          paid_at: r.invoice.paidAt ?? null,
          payment_method: r.invoice.paymentMethod ?? null,
          line_items: r.invoice.lineItems.map((l) => ({
            id: l.id,
            amount: l.amount.amount,
            user_name: l.userName,
            campaign_name: l.campaignName ?? null,
            user_id: l.userId,
            status: l.status.toLowerCase(),
            creator_payout_id: l.creatorPayoutId ?? null,
            description: l.description ?? null,
            refunded: l.refunded,
          })),
        }
      : null,
  };
}

/** The seed's sums are plain numbers: across currencies they are added (GraphQL keeps them apart). */
function additionalData(report: Report) {
  type Sums = Report["sumsByCurrency"][number];
  const sum = (key: Exclude<keyof Sums, "__typename">) => report.sumsByCurrency.reduce((n, s) => n + s[key].amount, 0);
  return {
    amount_sum: sum("amountSum"),
    fee_sum: sum("feeSum"),
    payout_sum: sum("payoutSum"),
    payment_sum: sum("paymentSum"),
    deposit_sum: sum("depositSum"),
    withdrawal_sum: sum("withdrawalSum"),
    dispute_sum: sum("disputeSum"),
    payout_other_sum: sum("payoutOtherSum"),
    payout_balance_sum: sum("payoutBalanceSum"),
  };
}

export const statsRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/stats/transactions",
    surface: "stats",
    doc: {
      summary: "The organisation transaction report: a page of rows and sums over the whole filtered set (Stats API)",
      query: {
        page: { description: "Page number (from 1).", schema: { type: "integer", minimum: 1, default: 1 } },
        per_page: { description: "Rows per page.", schema: { type: "integer", minimum: 1, maximum: 100, default: 10 } },
        child_organization_id: { description: "Only this linked child's rows.", schema: { type: "integer", minimum: 1 } },
        start_date: { description: "First day (UTC), inclusive.", schema: { type: "string", format: "date" } },
        end_date: { description: "Last day (UTC), inclusive.", schema: { type: "string", format: "date" } },
        transaction_type: {
          description: "Only one category.",
          schema: { type: "string", enum: [...TYPES] },
        },
        search: { description: "Creator name contains (any case).", schema: { type: "string", maxLength: 100 } },
      },
      response: ref("StatsReport"),
    },
    operation: StatsTransactionsDocument,
    variables,
    respond: ({ transactionReport: r }) => {
      if (r.__typename === "TransactionReport") {
        return json(200, {
          data: r.rows.map(transaction),
          meta: { row_count: r.rowCount, page_count: r.pageCount, current_page: r.currentPage },
          additional_data: additionalData(r),
        });
      }
      if (r.__typename === "ForbiddenError")
        return statsError(
          401,
          "unauthorized",
          "Unauthorized: this token's role may not read transaction reports (viewer tokens cannot).",
        );
      if (r.__typename === "ValidationError") {
        const field = r.fields[0];
        return statsError(400, "bad_request", field ? `The ${field.field} parameter ${field.message}.` : r.message);
      }
      return statsError(400, "bad_request", r.message);
    },
  }),
];
