/**
 * JSON Schemas (OpenAPI 3.1) of the REST bodies, referenced by the routes' docs. They describe
 * what the route code in src/rest/routes writes; a test checks real answers against them.
 */
type Schema = Record<string, unknown>;

const int: Schema = { type: "integer" };
const str: Schema = { type: "string" };
const bool: Schema = { type: "boolean" };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: "object",
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});
const list = (items: Schema): Schema => ({ type: "array", items });
export const ref = (name: keyof typeof SCHEMAS): Schema => ({ $ref: `#/components/schemas/${name}` });

const minor = (description: string): Schema => ({ type: "integer", description: `${description} (minor units: cents)` });

export const SCHEMAS = {
  LegacyTransaction: obj({ id: int, amount: minor("Signed amount"), type: str, created_at: str, title: nullable(str) }),
  LegacyTransactionPage: obj(
    {
      data: list({ $ref: "#/components/schemas/LegacyTransaction" }),
      current_page: int,
      per_page: int,
      total: int,
      last_page: int,
    },
    "Laravel's paginator.",
  ),
  LegacyWallet: obj({
    available: minor("Ready for payout"),
    hold: minor("On hold"),
    pending: minor("In payouts"),
    total: minor("available + hold + pending"),
    referral_revenue: minor("Lifetime affiliate earnings"),
    cashout_available: bool,
    transactions: { $ref: "#/components/schemas/LegacyTransactionPage" },
  }),
  LegacyAffiliateWallet: obj({
    referral_revenue: minor("Lifetime affiliate earnings"),
    transactions: { $ref: "#/components/schemas/LegacyTransactionPage" },
  }),
  LinkedAccount: obj({ user_id: int, email: str, display_name: str, currency_code: str }),
  AccountGroup: obj({
    role: { type: "string", enum: ["master", "child", "standalone"] },
    master_id: nullable(int),
    linked_accounts: list({ $ref: "#/components/schemas/LinkedAccount" }),
  }),
  Session: obj({
    token: { type: "string", description: "A bearer token for this account (shown once)." },
    user: obj({ id: int, email: str, display_name: str, currency_code: str }),
    account_group: { $ref: "#/components/schemas/AccountGroup" },
  }),
  BatchLogin: list({
    type: "object",
    required: ["email", "success", "errors_message"],
    properties: { email: str, success: bool, errors_message: nullable(str) },
    description: "One row per account asked for; successful rows also carry token, user and account_group.",
  }),
  WalletBalance: obj({ available: int, hold: int, pending: int, total: int }),
  DashboardSummary: obj({
    currency_unified: bool,
    accounts: list(
      obj({
        user_id: int,
        email: str,
        display_name: str,
        currency_id: int,
        currency_code: str,
        wallet_balance: { $ref: "#/components/schemas/WalletBalance" },
      }),
    ),
    wallet_balance: nullable({ $ref: "#/components/schemas/WalletBalance" }),
    total_content_items: int,
    total_link_clicks: int,
    total_unlocks: int,
    total_product_revenue: minor("Product earnings, summed across currencies as the legacy API does"),
    overall_conversion_rate: { type: "number" },
    top_performing: list(
      obj({
        product_id: int,
        user_id: int,
        title: str,
        thumbnail_url: nullable(str),
        unlocks: int,
        link_clicks: int,
        conversion_rate: { type: "number" },
        revenue: minor("Earnings of the product"),
        currency_code: str,
      }),
    ),
  }),
  InvitedCreator: obj({ id: int, email: str, fee_percentage: { type: "number" } }),
  StudioTransactions: obj({
    success: { const: true },
    data: list(
      obj({
        transaction_id: { type: "string", format: "uuid" },
        action: str,
        amount: { type: "number", description: "In currency units (12.5 is 12.50)." },
        balance_after: { type: "number" },
        description: nullable(str),
        date: { type: "string", format: "date-time" },
        date_ts: int,
      }),
    ),
    pagination: obj({ next_cursor: nullable(str), has_next: bool, limit: int }),
  }),
  StatsReport: obj({
    data: list({
      type: "object",
      required: ["id", "formatted_amount", "transaction_type", "currency", "status", "balance", "pending_balance", "created"],
      properties: {
        id: int,
        formatted_amount: str,
        transaction_type: str,
        currency: str,
        formatted_fee_amount: str,
        formatted_total: str,
        status: str,
        balance: minor("Available balance after the transaction"),
        pending_balance: minor("Pending balance after the transaction"),
        description: nullable(str),
        organization_id: int,
        created: { type: "integer", description: "Unix seconds." },
        invoice: nullable({ type: "object" }),
      },
    }),
    meta: obj({ row_count: int, page_count: int, current_page: int }),
    additional_data: {
      type: "object",
      description: "Sums over the whole filtered set, minor units (added across currencies, as the Stats API does).",
      additionalProperties: int,
    },
  }),
  LegacyError: obj(
    { success: { const: false }, errors_message: str, data: { type: "null" } },
    "The legacy apps' error envelope.",
  ),
  StudioError: {
    type: "object",
    description: "The Studio API's error envelope; 429 adds retry_after, 422 may add details.",
    required: ["success", "error", "message"],
    properties: {
      success: { const: false },
      error: str,
      message: str,
      details: { type: "object", additionalProperties: list(str) },
      retry_after: int,
    },
  },
  StatsError: {
    type: "object",
    description: "The Stats API's error envelope; 429 adds retry_after.",
    required: ["success", "error", "message"],
    properties: { success: { const: false }, error: str, message: str, retry_after: int, field: str },
  },
} satisfies Record<string, Schema>;

/** The legacy success envelope around `data`. */
export const legacyOkSchema = (data: Schema): Schema => obj({ success: { const: true }, errors_message: { type: "null" }, data });
