import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { LedgerType } from "../../generated/prisma/enums.ts";
import { accountGroupOf } from "../accounts/login.service.ts";
import { ValidationError } from "../errors.ts";
import { REPORT_TYPES, REPORTED_LEDGER_TYPES, type ReportType } from "./report-types.ts";

export type ReportFilter = {
  childOrganizationId?: number | null;
  from?: Date | null;
  /** Inclusive upper bound. */
  to?: Date | null;
  type?: ReportType | null;
  search?: string | null;
};

export type ReportRow = {
  id: number;
  amount: bigint;
  fee: bigint;
  type: LedgerType;
  title: string | null;
  description: string | null;
  availableAfter: bigint;
  pendingAfter: bigint;
  payoutId: number | null;
  invoiceId: number | null;
  paymentMethodId: number | null;
  externalId: string | null;
  source: string | null;
  destination: string | null;
  createdAt: Date;
  organizationId: number;
  organizationName: string;
  organizationLogoUrl: string | null;
  organizationSlug: string;
  currencyCode: string;
  currencySymbol: string;
  minorUnits: number;
  payoutStatus: string | null;
  holdClosedBy: string | null;
};

export type ReportSums = {
  currencyCode: string;
  rowCount: number;
  amountSum: bigint;
  feeSum: bigint;
  payoutSum: bigint;
  paymentSum: bigint;
  depositSum: bigint;
  withdrawalSum: bigint;
  disputeSum: bigint;
  payoutOtherSum: bigint;
  payoutBalanceSum: bigint;
};

export type Report = {
  rows: ReportRow[];
  sums: ReportSums[];
  rowCount: number;
  page: number;
  perPage: number;
  pageCount: number;
};

export const MAX_PER_PAGE = 100;

/**
 * The accounts an organisation report covers: a master and its children, or the caller
 * alone; `childOrganizationId` narrows it to one of those, and anything else is refused.
 */
export async function reportScope(
  prisma: PrismaClient,
  viewerId: number,
  childOrganizationId?: number | null,
): Promise<number[]> {
  const group = await accountGroupOf(prisma, viewerId);
  const members = group.role === "MASTER" ? [viewerId, ...group.linkedAccountIds] : [viewerId];
  if (childOrganizationId == null) return members;
  if (!members.includes(childOrganizationId)) {
    throw ValidationError.field("child_organization_id", "is not an organization of your group");
  }
  return [childOrganizationId];
}

function where(accountIds: number[], filter: ReportFilter): Prisma.Sql {
  const types = filter.type ? [...REPORT_TYPES[filter.type]] : REPORTED_LEDGER_TYPES;
  const parts = [
    Prisma.sql`w.account_id IN (${Prisma.join(accountIds)})`,
    Prisma.sql`e.visible`,
    Prisma.sql`e.type IN (${Prisma.join(types.map((t) => Prisma.sql`CAST(${t} AS "LedgerType")`))})`,
  ];
  if (filter.from) parts.push(Prisma.sql`e.created_at >= ${filter.from}`);
  if (filter.to) parts.push(Prisma.sql`e.created_at <= ${filter.to}`);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(Prisma.sql`a.display_name ILIKE ${pattern}`);
  }
  return Prisma.join(parts, " AND ");
}

/** One page of the report, newest first, and the sums over the whole filtered set (SQL). */
export async function transactionReport(
  prisma: PrismaClient,
  accountIds: number[],
  args: { filter: ReportFilter; page: number; perPage: number },
): Promise<Report> {
  if (!Number.isInteger(args.page) || args.page < 1) throw ValidationError.field("page", "must be an integer of at least 1");
  if (!Number.isInteger(args.perPage) || args.perPage < 1 || args.perPage > MAX_PER_PAGE) {
    throw ValidationError.field("per_page", `must be an integer between 1 and ${MAX_PER_PAGE}`);
  }
  const filter = where(accountIds, args.filter);
  const rows = await prisma.$queryRaw<ReportRow[]>`
    SELECT e.id, e.amount, e.fee, e.type::text AS type, e.title, e.description,
           e.available_after AS "availableAfter", e.pending_after AS "pendingAfter",
           e.payout_id AS "payoutId", e.invoice_id AS "invoiceId", e.payment_method_id AS "paymentMethodId",
           e.external_id AS "externalId", e.source, e.destination, e.created_at AS "createdAt",
           a.id AS "organizationId", a.display_name AS "organizationName", a.logo_url AS "organizationLogoUrl",
           a.slug AS "organizationSlug", c.code AS "currencyCode", c.symbol AS "currencySymbol", c.minor_units::int AS "minorUnits",
           p.status::text AS "payoutStatus",
           (SELECT r.type::text FROM ledger_entries r
             WHERE e.type = 'SALE' AND r.reference_entry_id = e.id AND r.bucket = 'HOLD' AND r.amount < 0 LIMIT 1) AS "holdClosedBy"
    FROM ledger_entries e
    JOIN wallets w ON w.id = e.wallet_id
    JOIN accounts a ON a.id = w.account_id
    JOIN currencies c ON c.id = w.currency_id
    LEFT JOIN payouts p ON p.id = e.payout_id
    WHERE ${filter}
    ORDER BY e.created_at DESC, e.id DESC
    LIMIT ${args.perPage} OFFSET ${(args.page - 1) * args.perPage}`;
  const payout = Prisma.sql`e.type IN ('CASHOUT', 'PAYOUT_FAILED')`;
  const sumsRows = await prisma.$queryRaw<
    {
      code: string;
      n: number;
      amount: bigint | null;
      fee: bigint | null;
      payout: bigint | null;
      payment: bigint | null;
      deposit: bigint | null;
      withdrawal: bigint | null;
      dispute: bigint | null;
      payout_other: bigint | null;
      payout_balance: bigint | null;
    }[]
  >`
    SELECT c.code, count(*)::int AS n, SUM(e.amount)::bigint AS amount, SUM(e.fee)::bigint AS fee,
           SUM(e.amount) FILTER (WHERE ${payout})::bigint AS payout,
           SUM(e.amount) FILTER (WHERE e.type IN ('SALE', 'AFFILIATE_EARNING', 'INVOICE_PAYMENT', 'REFUND'))::bigint AS payment,
           SUM(e.amount) FILTER (WHERE e.type = 'DEPOSIT')::bigint AS deposit,
           SUM(e.amount) FILTER (WHERE e.type = 'WITHDRAWAL')::bigint AS withdrawal,
           SUM(e.amount) FILTER (WHERE e.type = 'DISPUTE')::bigint AS dispute,
           SUM(e.amount) FILTER (WHERE ${payout} AND e.payment_method_id IS NOT NULL)::bigint AS payout_other,
           SUM(e.amount) FILTER (WHERE ${payout} AND e.payment_method_id IS NULL)::bigint AS payout_balance
    FROM ledger_entries e
    JOIN wallets w ON w.id = e.wallet_id
    JOIN accounts a ON a.id = w.account_id
    JOIN currencies c ON c.id = w.currency_id
    WHERE ${filter}
    GROUP BY c.code ORDER BY c.code`;
  const big = (v: bigint | null) => BigInt(v ?? 0n);
  const sums: ReportSums[] = sumsRows.map((s) => ({
    currencyCode: s.code,
    rowCount: s.n,
    amountSum: big(s.amount),
    feeSum: big(s.fee),
    payoutSum: big(s.payout),
    paymentSum: big(s.payment),
    depositSum: big(s.deposit),
    withdrawalSum: big(s.withdrawal),
    disputeSum: big(s.dispute),
    payoutOtherSum: big(s.payout_other),
    payoutBalanceSum: big(s.payout_balance),
  }));
  const rowCount = sums.reduce((n, s) => n + s.rowCount, 0);
  return {
    rows: rows.map((r) => ({
      ...r,
      amount: BigInt(r.amount),
      fee: BigInt(r.fee),
      availableAfter: BigInt(r.availableAfter),
      pendingAfter: BigInt(r.pendingAfter),
    })),
    sums,
    rowCount,
    page: args.page,
    perPage: args.perPage,
    pageCount: Math.ceil(rowCount / args.perPage),
  };
}
