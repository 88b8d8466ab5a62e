import { StudioTransactionsDocument, type StudioTransactionsQuery } from "../../generated/graphql.ts";
import { isoWithOffset, unitsFromMinor, unixSeconds } from "../formatting.ts";
import { json } from "../legacy-envelope.ts";
import { intParam } from "../query-params.ts";
import { ref } from "../openapi-schemas.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";
import { studioError, VALIDATION_MESSAGE } from "../studio-envelope.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` as a UTC day; null when malformed or not a real date. */
function utcDay(value: string): Date | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.toISOString().startsWith(value) ? day : null;
}

function variables(_req: Request, url: URL) {
  const params = url.searchParams;
  const details: Record<string, string[]> = {};
  const limit = intParam(params, "limit") ?? 50;
  if (Number.isNaN(limit)) details.limit = ["invalid_integer"];
  else if (limit < 1 || limit > 100) details.limit = ["out_of_range"];
  const sort = params.get("sort") ?? "date_desc";
  if (sort !== "date_desc" && sort !== "date_asc") details.sort = ["invalid_enum"];
  const transactionId = params.get("transaction_id");
  if (transactionId !== null && !UUID.test(transactionId)) details.transaction_id = ["invalid_uuid"];
  const from = params.get("from") === null ? null : utcDay(params.get("from") as string);
  const to = params.get("to") === null ? null : utcDay(params.get("to") as string);
  if (params.get("from") !== null && !from) details.from = ["invalid_date"];
  if (params.get("to") !== null && !to) details.to = ["invalid_date"];
  if (from && to && from > to) details.from = ["after_to"];
  const after = params.get("after");
  if (after !== null && after.trim() === "") details.after = ["invalid_cursor"];
  if (Object.keys(details).length > 0) throw new RouteParamError(VALIDATION_MESSAGE, details);
  return {
    first: limit,
    after: after ?? null,
    order: sort === "date_asc" ? ("DATE_ASC" as const) : ("DATE_DESC" as const),
    filter: {
      buckets: ["AVAILABLE" as const],
      uuid: transactionId,
      from: from?.toISOString() ?? null,
      // Inclusive: the whole `to` day.
      to: to ? new Date(to.getTime() + 86_399_999).toISOString() : null,
    },
  };
}

const CURSOR_CODES = {
  MALFORMED: "invalid_cursor",
  ORDER_MISMATCH: "cursor_sort_mismatch",
  FILTER_MISMATCH: "cursor_filter_mismatch",
} as const;

function respond({ viewer: { wallet } }: StudioTransactionsQuery, limit: number): Response {
  if (!wallet) return studioError(404, "not_found", "This API key's account has no wallet.");
  const result = wallet.transactions;
  if (result.__typename === "InvalidCursorError") {
    return studioError(422, "validation_failed", VALIDATION_MESSAGE, {
      after: [CURSOR_CODES[result.reason as keyof typeof CURSOR_CODES]],
    });
  }
  if (result.__typename !== "TransactionConnection") {
    return studioError(422, "validation_failed", VALIDATION_MESSAGE, { request: ["invalid"] });
  }
  const minorUnits = wallet.currency.minorUnits;
  return json(200, {
    success: true,
    data: result.nodes.map((e) => ({
      transaction_id: e.uuid,
      action: e.studioAction.toLowerCase(),
      amount: unitsFromMinor(e.amount.amount, minorUnits),
      balance_after: unitsFromMinor(e.balanceAfter.amount, minorUnits),
      description: e.description ?? null,
      date: isoWithOffset(e.createdAt),
      date_ts: unixSeconds(e.createdAt),
    })),
    pagination: {
      next_cursor: result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null,
      has_next: result.pageInfo.hasNextPage,
      limit,
    },
  });
}

export const studioRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/external/v1/account/wallet/transactions",
    surface: "studio",
    doc: {
      summary: "The available balance's ledger, cursor-paginated (Studio API)",
      query: {
        limit: { description: "Entries per page.", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
        sort: {
          description: "Order by date.",
          schema: { type: "string", enum: ["date_desc", "date_asc"], default: "date_desc" },
        },
        after: { description: "The next_cursor of the previous page.", schema: { type: "string" } },
        transaction_id: { description: "Only this entry.", schema: { type: "string", format: "uuid" } },
        from: { description: "First day (UTC), inclusive.", schema: { type: "string", format: "date" } },
        to: { description: "Last day (UTC), inclusive.", schema: { type: "string", format: "date" } },
      },
      response: ref("StudioTransactions"),
    },
    operation: StudioTransactionsDocument,
    variables,
    respond: (data, vars) => respond(data, vars.first),
  }),
];
