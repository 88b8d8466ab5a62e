import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { accountGroupOf, groupMembers } from "../accounts/account-group.service.ts";
import { decimalText } from "../decimal.ts";
import { ForbiddenError } from "../errors.ts";
import { type MoneyValue, money } from "../money/money.ts";

/** The buckets of one wallet, or summed over wallets of one currency (minor units of currencyId). */
export type Buckets = { currencyId: number; available: bigint; hold: bigint; pending: bigint; total: bigint };
export type DashboardAccount = {
  accountId: number;
  email: string;
  displayName: string;
  currencyId: number;
  currencyCode: string;
  wallet: Buckets;
};
export type CurrencyTotals = { currencyId: number; currencyCode: string; wallet: Buckets; productRevenue: bigint };
export type TopProduct = {
  productId: number;
  accountId: number;
  title: string;
  thumbnailUrl: string | null;
  unlocks: bigint;
  clicks: bigint;
  revenue: bigint;
  currencyId: number;
  currencyCode: string;
  conversionRate: string;
};
export type Dashboard = {
  asOf: Date;
  accounts: DashboardAccount[];
  currencyUnified: boolean;
  /** Summed buckets when every account shares one currency, else null. */
  walletBalance: Buckets | null;
  totalsByCurrency: CurrencyTotals[];
  totalContentItems: bigint;
  totalLinkClicks: bigint;
  totalUnlocks: bigint;
  /** Product earnings when every account shares one currency, else null (read totalsByCurrency). */
  totalProductRevenue: MoneyValue | null;
  overallConversionRate: string;
  topPerforming: TopProduct[];
};

export const CHILD_CANNOT_AGGREGATE = "Child accounts cannot aggregate other accounts.";

/**
 * Whose data an aggregate may combine, from persisted links only: a master gets itself and
 * its children, anyone else only itself. Tokens in the request never add an account; a child
 * that sends some is refused.
 */
export async function aggregateScope(prisma: PrismaClient, viewerId: number, sentAdditionalTokens: boolean): Promise<number[]> {
  const group = await accountGroupOf(prisma, viewerId);
  if (group.role === "CHILD" && sentAdditionalTokens) throw new ForbiddenError(CHILD_CANNOT_AGGREGATE);
  return groupMembers(viewerId, group);
}

/** unlocks / clicks as a decimal string with 4 places, rounded half up; "0" without clicks. */
export function conversionRate(unlocks: bigint, clicks: bigint): string {
  if (clicks <= 0n) return "0";
  const scaled = (unlocks * 20_000n + clicks) / (2n * clicks); // round half up at 4 decimals
  return decimalText(scaled, 4);
}

/**
 * KPIs for a set of accounts in three statements whatever their history: wallets, the
 * pre-aggregated rollups, and the top products (counters maintained on write).
 */
export async function dashboardFor(prisma: PrismaClient, accountIds: number[]): Promise<Dashboard> {
  const ids = Prisma.join(accountIds);
  const accounts = await prisma.$queryRaw<
    {
      id: number;
      email: string;
      display_name: string;
      currency_id: number;
      code: string;
      available: bigint;
      hold: bigint;
      pending: bigint;
      now: Date;
    }[]
  >`
    SELECT a.id, a.email, a.display_name, a.currency_id, c.code, w.available, w.hold, w.pending, now() AS now
    FROM accounts a JOIN currencies c ON c.id = a.currency_id JOIN wallets w ON w.account_id = a.id
    WHERE a.id IN (${ids})`;
  const rollups = await prisma.$queryRaw<
    { currency_id: number; content_items: bigint; link_clicks: bigint; unlocks: bigint; product_revenue: bigint }[]
  >`
    SELECT a.currency_id, SUM(r.content_items)::bigint AS content_items, SUM(r.link_clicks)::bigint AS link_clicks,
           SUM(r.unlocks)::bigint AS unlocks, SUM(r.product_revenue)::bigint AS product_revenue
    FROM dashboard_rollups r JOIN accounts a ON a.id = r.account_id
    WHERE r.account_id IN (${ids}) GROUP BY a.currency_id`;
  const top = await prisma.$queryRaw<
    {
      id: number;
      account_id: number;
      title: string;
      thumbnail_url: string | null;
      unlock_count: bigint;
      link_clicks: bigint;
      earnings: bigint;
      currency_id: number;
      code: string;
    }[]
  >`
    SELECT p.id, p.account_id, p.title, p.thumbnail_url, p.unlock_count, p.link_clicks, p.earnings, a.currency_id, c.code
    FROM products p JOIN accounts a ON a.id = p.account_id JOIN currencies c ON c.id = a.currency_id
    WHERE p.account_id IN (${ids})
    ORDER BY CASE WHEN p.link_clicks = 0 THEN 0 ELSE p.unlock_count::numeric / p.link_clicks END DESC,
             p.unlock_count DESC, p.earnings DESC, p.id ASC
    LIMIT 5`;

  const order = new Map(accountIds.map((id, i) => [id, i]));
  const rows = [...accounts].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const dashboardAccounts: DashboardAccount[] = rows.map((r) => ({
    accountId: r.id,
    email: r.email,
    displayName: r.display_name,
    currencyId: r.currency_id,
    currencyCode: r.code,
    wallet: buckets(r.currency_id, BigInt(r.available), BigInt(r.hold), BigInt(r.pending)),
  }));
  const currencies = [...new Map(dashboardAccounts.map((a) => [a.currencyId, a.currencyCode])).entries()].sort(
    ([a], [b]) => a - b,
  );
  const totalsByCurrency = currencies.map(([currencyId, currencyCode]) => {
    const mine = dashboardAccounts.filter((a) => a.currencyId === currencyId);
    return {
      currencyId,
      currencyCode,
      wallet: mine.reduce((sum, a) => addBuckets(sum, a.wallet), buckets(currencyId, 0n, 0n, 0n)),
      productRevenue: BigInt(rollups.find((r) => r.currency_id === currencyId)?.product_revenue ?? 0n),
    };
  });
  const sum = (key: "content_items" | "link_clicks" | "unlocks" | "product_revenue") =>
    rollups.reduce((s, r) => s + BigInt(r[key]), 0n);
  const totalLinkClicks = sum("link_clicks");
  const totalUnlocks = sum("unlocks");
  return {
    asOf: rows[0]?.now ? new Date(rows[0].now) : new Date(),
    accounts: dashboardAccounts,
    currencyUnified: currencies.length <= 1,
    walletBalance: totalsByCurrency.length === 1 ? totalsByCurrency[0]!.wallet : null,
    totalsByCurrency,
    totalContentItems: sum("content_items"),
    totalLinkClicks,
    totalUnlocks,
    totalProductRevenue:
      totalsByCurrency.length === 1 ? money(totalsByCurrency[0]!.productRevenue, totalsByCurrency[0]!.currencyId) : null,
    overallConversionRate: conversionRate(totalUnlocks, totalLinkClicks),
    topPerforming: top.map((p) => ({
      productId: p.id,
      accountId: p.account_id,
      title: p.title,
      thumbnailUrl: p.thumbnail_url,
      unlocks: BigInt(p.unlock_count),
      clicks: BigInt(p.link_clicks),
      revenue: BigInt(p.earnings),
      currencyId: p.currency_id,
      currencyCode: p.code,
      conversionRate: conversionRate(BigInt(p.unlock_count), BigInt(p.link_clicks)),
    })),
  };
}

const buckets = (currencyId: number, available: bigint, hold: bigint, pending: bigint): Buckets => ({
  currencyId,
  available,
  hold,
  pending,
  total: available + hold + pending,
});
const addBuckets = (a: Buckets, b: Buckets): Buckets =>
  buckets(a.currencyId, a.available + b.available, a.hold + b.hold, a.pending + b.pending);
