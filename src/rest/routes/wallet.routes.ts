import { LegacyCashoutDocument, type LegacyWalletQuery, LegacyWalletDocument } from "../../generated/graphql.ts";
import { MAX_KEY_LENGTH } from "../../modules/wallet/idempotency-outcome.ts";
import { legacyTimestamp, legacyType } from "../formatting.ts";
import { legacyError, legacyOk } from "../legacy-envelope.ts";
import { intParam } from "../query-params.ts";
import { legacyOkSchema, ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";

const DEFAULT_PER_PAGE = 15;
const MAX_PER_PAGE = 100;

function pageVariables(url: URL) {
  const page = intParam(url.searchParams, "page") ?? 1;
  const limit = intParam(url.searchParams, "limit") ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(page) || page < 1) throw new RouteParamError("The page field must be an integer of at least 1.");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PER_PAGE) {
    throw new RouteParamError(`The limit field must be an integer between 1 and ${MAX_PER_PAGE}.`);
  }
  return { page, perPage: limit };
}

type Wallet = NonNullable<LegacyWalletQuery["viewer"]["wallet"]>;

/** Laravel's paginator shape, with the seed's transaction items. */
function transactions(wallet: Wallet) {
  const page = wallet.transactionPage;
  if (page.__typename !== "TransactionPage") throw new Error(`unexpected ${page.__typename}`);
  return {
    data: page.items.map((e) => ({
      id: e.id,
      amount: e.amount.amount,
      type: legacyType(e.type),
      created_at: legacyTimestamp(e.createdAt),
      title: e.title ?? null,
    })),
    current_page: page.currentPage,
    per_page: page.perPage,
    total: page.total,
    last_page: page.lastPage,
  };
}

const noWallet = () => legacyError(404, "Wallet not found");

const affiliateView = (path: string) =>
  route({
    method: "GET",
    path,
    surface: "legacy",
    doc: {
      summary: "Referral revenue and a page of affiliate earnings",
      query: {
        page: { description: "Page number (from 1).", schema: { type: "integer", minimum: 1, default: 1 } },
        limit: { description: "Transactions per page.", schema: { type: "integer", minimum: 1, maximum: 100, default: 15 } },
      },
      response: legacyOkSchema(ref("LegacyAffiliateWallet")),
    },
    operation: LegacyWalletDocument,
    variables: (_req, url) => ({ ...pageVariables(url), types: ["AFFILIATE_EARNING" as const] }),
    respond: ({ viewer: { wallet } }) =>
      wallet ? legacyOk({ referral_revenue: wallet.referralRevenue.amount, transactions: transactions(wallet) }) : noWallet(),
  });

export const walletRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/wallet",
    surface: "legacy",
    doc: {
      summary: "Balances and a page of the wallet's transactions",
      query: {
        page: { description: "Page number (from 1).", schema: { type: "integer", minimum: 1, default: 1 } },
        limit: { description: "Transactions per page.", schema: { type: "integer", minimum: 1, maximum: 100, default: 15 } },
      },
      response: legacyOkSchema(ref("LegacyWallet")),
    },
    operation: LegacyWalletDocument,
    variables: (_req, url) => ({ ...pageVariables(url), types: null }),
    respond: ({ viewer: { wallet } }) =>
      wallet
        ? legacyOk({
            available: wallet.available.amount,
            hold: wallet.hold.amount,
            pending: wallet.pending.amount,
            total: wallet.total.amount,
            referral_revenue: wallet.referralRevenue.amount,
            cashout_available: wallet.cashoutAvailable,
            transactions: transactions(wallet),
          })
        : noWallet(),
  }),
  affiliateView("/api/wallet/affiliate"),
  affiliateView("/api/affiliate/revenue"),
  route({
    method: "POST",
    path: "/api/wallet/cashout",
    surface: "legacy",
    doc: {
      summary: "Cash out everything available (the amount is always the whole available balance)",
      headers: {
        "Idempotency-Key": {
          description: "Retries with the same key replay the first answer; 409 while the first is still running.",
          schema: { type: "string", maxLength: 255 },
        },
      },
      response: legacyOkSchema({ const: "Cashout created successfully" }),
    },
    operation: LegacyCashoutDocument,
    variables: (req) => ({ idempotencyKey: idempotencyKey(req) }),
    respond: ({ requestCashout: result }) => {
      switch (result.__typename) {
        case "RequestCashoutPayload":
          return legacyOk("Cashout created successfully");
        case "ForbiddenError":
          return legacyError(403, result.message);
        case "NotFoundError":
          return legacyError(404, "Wallet not found");
        default:
          return legacyError(422, result.message);
      }
    },
  }),
];

function idempotencyKey(req: Request): string | null {
  const key = req.headers.get("idempotency-key")?.trim();
  if (key === undefined || key === "") return null;
  if (key.length > MAX_KEY_LENGTH)
    throw new RouteParamError(`The Idempotency-Key header must be at most ${MAX_KEY_LENGTH} characters.`);
  return key;
}
