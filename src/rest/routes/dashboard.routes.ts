import {
  DashboardAggregateDocument,
  type DashboardFieldsFragment,
  DashboardSummaryDocument,
  type WalletBalanceFieldsFragment,
} from "../../generated/graphql.ts";
import { jsonBody } from "../body.ts";
import { legacyError, legacyOk } from "../legacy-envelope.ts";
import { legacyOkSchema, ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";

const balance = (b: WalletBalanceFieldsFragment) => ({
  available: b.available.amount,
  hold: b.hold.amount,
  pending: b.pending.amount,
  total: b.total.amount,
});

/**
 * The seed's summary shape (historical single-account fields plus accounts/currency_unified).
 * total_product_revenue keeps the legacy meaning: minor units summed across currencies.
 */
function summaryBody(d: DashboardFieldsFragment) {
  return {
    currency_unified: d.currencyUnified,
    accounts: d.accounts.map((a) => ({
      user_id: a.accountId,
      email: a.email,
      display_name: a.displayName,
      currency_id: a.currencyId,
      currency_code: a.currencyCode,
      wallet_balance: balance(a.walletBalance),
    })),
    wallet_balance: d.walletBalance ? balance(d.walletBalance) : null,
    total_content_items: d.totalContentItems,
    total_link_clicks: d.totalLinkClicks,
    total_unlocks: d.totalUnlocks,
    total_product_revenue: d.totalsByCurrency.reduce((sum, c) => sum + c.productRevenue.amount, 0),
    overall_conversion_rate: Number(d.overallConversionRate),
    top_performing: d.topPerforming.map((p) => ({
      product_id: p.productId,
      user_id: p.accountId,
      title: p.title,
      thumbnail_url: p.thumbnailUrl ?? null,
      unlocks: p.unlocks,
      link_clicks: p.linkClicks,
      conversion_rate: Number(p.conversionRate),
      revenue: p.revenue.amount,
      currency_code: p.currencyCode,
    })),
  };
}

export const dashboardRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/dashboard/summary",
    surface: "legacy",
    doc: { summary: "The caller's KPIs and balances", response: legacyOkSchema(ref("DashboardSummary")) },
    operation: DashboardSummaryDocument,
    variables: () => ({}),
    respond: ({ viewer }) => legacyOk(summaryBody(viewer.dashboard)),
  }),
  route({
    method: "POST",
    path: "/api/dashboard/summary/aggregate",
    surface: "legacy",
    doc: {
      summary: "KPIs merged across a master and its linked children (anyone else: only itself)",
      body: {
        type: "object",
        properties: {
          additional_tokens: {
            type: "array",
            items: { type: "string" },
            description: "Ignored (aggregation follows persisted links); a child account that sends them gets 403.",
          },
        },
      },
      response: legacyOkSchema(ref("DashboardSummary")),
    },
    operation: DashboardAggregateDocument,
    variables: async (req) => {
      const tokens = (await jsonBody(req)).additional_tokens;
      if (tokens === undefined || tokens === null) return { additionalTokens: null };
      if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== "string")) {
        throw new RouteParamError("The additional_tokens field must be a list of strings.");
      }
      return { additionalTokens: tokens as string[] };
    },
    respond: ({ viewer: { aggregateDashboard: result } }) => {
      if (result.__typename === "DashboardSummary") return legacyOk(summaryBody(result));
      return legacyError(result.__typename === "ForbiddenError" ? 403 : 422, result.message);
    },
  }),
];
