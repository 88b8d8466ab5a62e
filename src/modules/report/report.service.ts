import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { LedgerType } from "../../generated/prisma/enums.ts";
import { accountGroupOf, groupMembers } from "../accounts/account-group.service.ts";
import { ValidationError } from "../errors.ts";
import { REPORT_TYPES, REPORTED_LEDGER_TYPES, type ReportType } from "./report-types.ts";
import { sqlLimit } from "../../db/sql-limit.ts";

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
  currencyId: number;
  currencyCode: string;
  currencySymbol: string;
  minorUnits: number;
  payoutStatus: string | null;
  holdClosedBy: string | null;
};

export type ReportSums = {
  currencyId: number;
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
  const members = groupMembers(viewerId, group);
  if (childOrganizationId == null) return members;
  if (!members.includes(childOrganizationId)) {
    throw ValidationError.field("child_organization_id", "is not an organization of your group");
  }
  return [childOrganizationId];
}

const typesOf = (filter: ReportFilter) =>
  Prisma.join(
    (filter.type ? [...REPORT_TYPES[filter.type]] : REPORTED_LEDGER_TYPES).map((t) => Prisma.sql`CAST(${t} AS "LedgerType")`),
  );

/** Entries of the given wallets matching the filter (wallet ids as a list: per-wallet index scans). */
function where(walletIds: number[], filter: ReportFilter): Prisma.Sql {
  const parts = [
    walletIds.length === 1 ? Prisma.sql`e.wallet_id = ${walletIds[0]}` : Prisma.sql`e.wallet_id IN (${Prisma.join(walletIds)})`,
    Prisma.sql`e.visible`,
    Prisma.sql`e.type IN (${typesOf(filter)})`,
  ];
  if (filter.from) parts.push(Prisma.sql`e.created_at >= ${filter.from}`);
  if (filter.to) parts.push(Prisma.sql`e.created_at <= ${filter.to}`);
  return Prisma.join(parts, " AND ");
}

/** The wallets of the scope whose creator matches the search (case-insensitive, literal). */
async function walletsInScope(prisma: PrismaClient, accountIds: number[], search: string | null | undefined): Promise<number[]> {
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await prisma.$queryRaw<{ id: number }[]>`
    SELECT w.id FROM wallets w JOIN accounts a ON a.id = w.account_id
    WHERE w.account_id IN (${Prisma.join(accountIds)}) ${pattern ? Prisma.sql`AND a.display_name ILIKE ${pattern}` : Prisma.empty}`;
  return rows.map((r) => r.id);
}

/**
 * The newest `depth` matching entries of each wallet, as one UNION ALL of per-wallet index
 * scans: with an IN list PostgreSQL scans every entry of the group and sorts them; this
 * reads at most `depth` rows per wallet whatever the volume.
 */
function pagePerWallet(walletIds: number[], filter: ReportFilter, depth: number): Prisma.Sql {
  return Prisma.join(
    walletIds.map(
      (id) =>
        Prisma.sql`(SELECT * FROM ledger_entries e WHERE ${where([id], filter)} ORDER BY e.created_at DESC, e.id DESC LIMIT ${depth})`,
    ),
    " UNION ALL ",
  );
}

const DAY_MS = 86_400_000;
/** Whole UTC days (as the REST filters are) can be summed from the daily rollups. */
const wholeDays = (filter: ReportFilter) =>
  (!filter.from || filter.from.getTime() % DAY_MS === 0) && (!filter.to || (filter.to.getTime() + 1) % DAY_MS === 0);

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
  const walletIds = await walletsInScope(prisma, accountIds, args.filter.search);
  const offset = (args.page - 1) * args.perPage;
  if (walletIds.length === 0) return { rows: [], sums: [], rowCount: 0, page: args.page, perPage: args.perPage, pageCount: 0 };
  const rows = await prisma.$queryRaw<ReportRow[]>`
    SELECT e.id, e.amount, e.fee, e.type::text AS type, e.title, e.description,
           e.available_after AS "availableAfter", e.pending_after AS "pendingAfter",
           e.payout_id AS "payoutId", e.invoice_id AS "invoiceId", e.payment_method_id AS "paymentMethodId",
           e.external_id AS "externalId", e.source, e.destination, e.created_at AS "createdAt",
           a.id AS "organizationId", a.display_name AS "organizationName", a.logo_url AS "organizationLogoUrl",
           a.slug AS "organizationSlug", c.id AS "currencyId", c.code AS "currencyCode", c.symbol AS "currencySymbol", c.minor_units::int AS "minorUnits",
           p.status::text AS "payoutStatus",
           (SELECT r.type::text FROM ledger_entries r
             WHERE e.type = 'SALE' AND r.reference_entry_id = e.id AND r.bucket = 'HOLD' AND r.amount < 0 LIMIT 1) AS "holdClosedBy"
    FROM (
      SELECT * FROM (${pagePerWallet(walletIds, args.filter, offset + args.perPage)}) u
      ORDER BY u.created_at DESC, u.id DESC
      ${sqlLimit(args.perPage, offset)}
    ) e
    JOIN wallets w ON w.id = e.wallet_id
    JOIN accounts a ON a.id = w.account_id
    JOIN currencies c ON c.id = w.currency_id
    LEFT JOIN payouts p ON p.id = e.payout_id
    ORDER BY e.created_at DESC, e.id DESC`;
  const sums = wholeDays(args.filter)
    ? await sumsFromRollups(prisma, walletIds, args.filter)
    : await sumsFromLedger(prisma, walletIds, args.filter);
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

type SumRow = {
  currency_id: number;
  code: string;
  n: bigint | number;
  amount: bigint | null;
  fee: bigint | null;
  payout: bigint | null;
  payment: bigint | null;
  deposit: bigint | null;
  withdrawal: bigint | null;
  dispute: bigint | null;
  payout_other: bigint | null;
  payout_balance: bigint | null;
};

/** The sum columns, over any relation with type, amount, fee, count and payment-method columns. */
function sumColumns(cols: {
  type: Prisma.Sql;
  amount: Prisma.Sql;
  fee: Prisma.Sql;
  count: Prisma.Sql;
  withMethod: Prisma.Sql;
}): Prisma.Sql {
  const { type, amount } = cols;
  const payout = Prisma.sql`${type} IN ('CASHOUT', 'PAYOUT_FAILED')`;
  return Prisma.sql`${cols.count} AS n, SUM(${amount})::bigint AS amount, SUM(${cols.fee})::bigint AS fee,
    SUM(${amount}) FILTER (WHERE ${payout})::bigint AS payout,
    SUM(${amount}) FILTER (WHERE ${type} IN ('SALE', 'AFFILIATE_EARNING', 'INVOICE_PAYMENT', 'REFUND'))::bigint AS payment,
    SUM(${amount}) FILTER (WHERE ${type} = 'DEPOSIT')::bigint AS deposit,
    SUM(${amount}) FILTER (WHERE ${type} = 'WITHDRAWAL')::bigint AS withdrawal,
    SUM(${amount}) FILTER (WHERE ${type} = 'DISPUTE')::bigint AS dispute,
    SUM(${amount}) FILTER (WHERE ${payout} AND ${cols.withMethod})::bigint AS payout_other,
    SUM(${amount}) FILTER (WHERE ${payout} AND NOT ${cols.withMethod})::bigint AS payout_balance`;
}

/** Sums from ledger_daily_rollups: a few rows per wallet and day, whatever the volume. */
async function sumsFromRollups(prisma: PrismaClient, walletIds: number[], filter: ReportFilter): Promise<ReportSums[]> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const rows = await prisma.$queryRaw<SumRow[]>`
    SELECT c.id AS currency_id, c.code, ${sumColumns({
      type: Prisma.sql`r.type`,
      amount: Prisma.sql`r.amount_sum`,
      fee: Prisma.sql`r.fee_sum`,
      count: Prisma.sql`COALESCE(SUM(r.entry_count), 0)::bigint`,
      withMethod: Prisma.sql`r.with_payment_method`,
    })}
    FROM ledger_daily_rollups r JOIN wallets w ON w.id = r.wallet_id JOIN currencies c ON c.id = w.currency_id
    WHERE r.wallet_id IN (${Prisma.join(walletIds)}) AND r.type IN (${typesOf(filter)})
      ${filter.from ? Prisma.sql`AND r.day >= CAST(${day(filter.from)} AS date)` : Prisma.empty}
      ${filter.to ? Prisma.sql`AND r.day <= CAST(${day(filter.to)} AS date)` : Prisma.empty}
    GROUP BY c.id, c.code HAVING SUM(r.entry_count) > 0 ORDER BY c.code`;
  return rows.map(toSums);
}

/** Sums by scanning the matching entries (filters that are not whole days). */
async function sumsFromLedger(prisma: PrismaClient, walletIds: number[], filter: ReportFilter): Promise<ReportSums[]> {
  const rows = await prisma.$queryRaw<SumRow[]>`
    SELECT c.id AS currency_id, c.code, ${sumColumns({
      type: Prisma.sql`e.type`,
      amount: Prisma.sql`e.amount`,
      fee: Prisma.sql`e.fee`,
      count: Prisma.sql`count(*)::bigint`,
      withMethod: Prisma.sql`(e.payment_method_id IS NOT NULL)`,
    })}
    FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id JOIN currencies c ON c.id = w.currency_id
    WHERE ${where(walletIds, filter)}
    GROUP BY c.id, c.code ORDER BY c.code`;
  return rows.map(toSums);
}

const big = (v: bigint | null) => BigInt(v ?? 0n);
const toSums = (s: SumRow): ReportSums => ({
  currencyId: s.currency_id,
  currencyCode: s.code,
  rowCount: Number(s.n),
  amountSum: big(s.amount),
  feeSum: big(s.fee),
  payoutSum: big(s.payout),
  paymentSum: big(s.payment),
  depositSum: big(s.deposit),
  withdrawalSum: big(s.withdrawal),
  disputeSum: big(s.dispute),
  payoutOtherSum: big(s.payout_other),
  payoutBalanceSum: big(s.payout_balance),
});
