import { typedErrors } from "../../graphql/results.ts";
import { builder } from "../../graphql/builder.ts";
import { safeMinorUnits } from "../../graphql/money.ts";
import { ForbiddenError } from "../errors.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { AccountType, Viewer } from "../viewer/viewer.graphql.ts";
import { aggregateScope, type Buckets, type Dashboard, dashboardFor } from "./dashboard.service.ts";

const bucket = (description: string, key: "available" | "hold" | "pending" | "total") =>
  ({ description, type: MoneyType, resolve: (b: Buckets) => money(b[key], b.currencyId) }) as const;

const WalletBalance = builder.objectRef<Buckets>("WalletBalance").implement({
  description: "Wallet buckets, all in one currency.",
  fields: (t) => ({
    available: t.field(bucket("Ready for payout.", "available")),
    hold: t.field(bucket("In hold until the hold period passes.", "hold")),
    pending: t.field(bucket("In payouts not yet settled.", "pending")),
    total: t.field(bucket("available + hold + pending.", "total")),
  }),
});

const DashboardAccount = builder.objectRef<Dashboard["accounts"][number]>("DashboardAccount").implement({
  description: "One account's share of a dashboard: its identity and balances.",
  fields: (t) => ({
    account: t.field({
      description: "The account.",
      type: AccountType,
      resolve: async (a, _x, ctx) => (await ctx.loaders.accountById.load(a.accountId))!,
    }),
    accountId: t.exposeInt("accountId", { description: "The account's legacy id." }),
    email: t.exposeString("email", { description: "The account's email." }),
    displayName: t.exposeString("displayName", { description: "The account's public name." }),
    currencyId: t.exposeInt("currencyId", { description: "The currency's internal id." }),
    currencyCode: t.exposeString("currencyCode", { description: "The account's currency." }),
    walletBalance: t.field({
      description: "The account's buckets, in its currency.",
      type: WalletBalance,
      resolve: (a) => a.wallet,
    }),
  }),
});

const CurrencyTotals = builder.objectRef<Dashboard["totalsByCurrency"][number]>("CurrencyTotals").implement({
  description: "Totals of the accounts that use one currency: never mixed with another currency.",
  fields: (t) => ({
    currencyId: t.exposeInt("currencyId", { description: "The currency's internal id." }),
    currencyCode: t.exposeString("currencyCode", { description: "ISO 4217 code." }),
    walletBalance: t.field({
      description: "The buckets of the accounts in this currency, summed.",
      type: WalletBalance,
      resolve: (c) => c.wallet,
    }),
    productRevenue: t.field({
      description: "Product earnings in this currency.",
      type: MoneyType,
      resolve: (c) => money(c.productRevenue, c.currencyId),
    }),
  }),
});

const TopProduct = builder.objectRef<Dashboard["topPerforming"][number]>("TopProduct").implement({
  description: "A best-converting product of a dashboard.",
  fields: (t) => ({
    productId: t.exposeInt("productId", { description: "Its legacy id." }),
    accountId: t.exposeInt("accountId", { description: "The owner's legacy id." }),
    title: t.exposeString("title", { description: "Its title." }),
    thumbnailUrl: t.exposeString("thumbnailUrl", { description: "Its thumbnail.", nullable: true }),
    unlocks: t.field({ description: "How many fans unlocked it.", type: "SafeInt", resolve: (p) => safeMinorUnits(p.unlocks) }),
    linkClicks: t.field({
      description: "Views of short links to it.",
      type: "SafeInt",
      resolve: (p) => safeMinorUnits(p.clicks),
    }),
    conversionRate: t.exposeString("conversionRate", {
      description: 'unlocks / link clicks, 4 decimals, half up; "0" without clicks.',
    }),
    revenue: t.field({
      type: MoneyType,
      description: "What its unlocks earned.",
      resolve: (p) => money(p.revenue, p.currencyId),
    }),
    currencyCode: t.exposeString("currencyCode", { description: "The owner's currency." }),
  }),
});

const DashboardType = builder.objectRef<Dashboard>("DashboardSummary").implement({
  description: "Pre-aggregated KPIs of one account, or of a master and its linked children.",
  fields: (t) => ({
    asOf: t.expose("asOf", { type: "DateTime", description: "The database time the figures were read at." }),
    currencyUnified: t.exposeBoolean("currencyUnified", {
      description: "Whether every aggregated account uses one currency (then walletBalance sums them).",
    }),
    accounts: t.field({
      description: "Every aggregated account with its balances (the viewer first).",
      type: [DashboardAccount],
      resolve: (d) => d.accounts,
    }),
    walletBalance: t.field({
      type: WalletBalance,
      nullable: true,
      description: "Summed buckets when every account shares one currency; null otherwise (use totalsByCurrency).",
      resolve: (d) => d.walletBalance,
    }),
    totalsByCurrency: t.field({
      type: [CurrencyTotals],
      description: "One entry per currency, never null.",
      resolve: (d) => d.totalsByCurrency,
    }),
    totalContentItems: t.field({
      description: "Products with complete media.",
      type: "SafeInt",
      resolve: (d) => safeMinorUnits(d.totalContentItems),
    }),
    totalLinkClicks: t.field({
      description: "Views of the accounts' short links.",
      type: "SafeInt",
      resolve: (d) => safeMinorUnits(d.totalLinkClicks),
    }),
    totalUnlocks: t.field({
      description: "Unlocks of the accounts' products.",
      type: "SafeInt",
      resolve: (d) => safeMinorUnits(d.totalUnlocks),
    }),
    totalProductRevenue: t.field({
      type: MoneyType,
      nullable: true,
      description: "Product earnings summed when every account shares one currency; null otherwise (use totalsByCurrency).",
      resolve: (d) => d.totalProductRevenue,
    }),
    overallConversionRate: t.exposeString("overallConversionRate", {
      description: "totalUnlocks / totalLinkClicks, 4 decimals, half up.",
    }),
    topPerforming: t.field({
      type: [TopProduct],
      description: "Up to 5 products by conversion rate.",
      resolve: (d) => d.topPerforming,
    }),
  }),
});

builder.objectField(Viewer, "dashboard", (t) =>
  t.field({
    type: DashboardType,
    authScopes: { can: "dashboard.read" },
    description: "The viewer's own KPIs.",
    resolve: (viewer, _a, ctx) => dashboardFor(ctx.prisma, [viewer.accountId]),
  }),
);

builder.objectField(Viewer, "aggregateDashboard", (t) =>
  t.field({
    type: DashboardType,
    authScopes: { can: "dashboard.read" },
    description:
      "KPIs merged across accounts the viewer may aggregate: a master gets itself and every linked child; anyone else only " +
      "itself. additionalTokens never add an account (deprecated); a child that sends them gets ForbiddenError.",
    errors: typedErrors("AggregateDashboard", [ForbiddenError]),
    args: {
      additionalTokens: t.arg.stringList({
        description: "Tokens of other accounts (the legacy API's additional_tokens): never add an account.",
        deprecationReason: "Ignored: aggregation follows persisted account links.",
      }),
    },
    resolve: async (viewer, args, ctx) =>
      dashboardFor(ctx.prisma, await aggregateScope(ctx.prisma, viewer.accountId, args.additionalTokens != null)),
  }),
);
