import { type StatementCsvQuery, StatementCsvDocument } from "../../generated/graphql.ts";
import { decimalParts } from "../../modules/decimal.ts";
import { ValidationError } from "../../modules/errors.ts";
import { monthRange } from "../../modules/statements/statement.service.ts";
import { type Route, route } from "../route.ts";
import { RouteParamError } from "../route-param-error.ts";

type AccountRows = StatementCsvQuery["viewer"]["statement"]["accounts"][number];

const HEADER = ["account_id", "account_name", "currency", "row", "category", "amount", "amount_minor"];

/** An exact decimal with all the currency's digits ("12.50", "-0.07"). */
function fixed(minor: number, scale: number): string {
  const { negative, whole, fraction } = decimalParts(BigInt(minor), scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction.padEnd(scale, "0")}` : ""}`;
}

/** RFC 4180 quoting. */
function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** User input (a display name) that starts like a spreadsheet formula is prefixed with ' (no formula injection). */
const inert = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function rowsOf(a: AccountRows): (string | number)[][] {
  const base = [a.account.id, inert(a.account.displayName), a.currency.code];
  const line = (row: string, category: string, minor: number) => [
    ...base,
    row,
    category,
    fixed(minor, a.currency.minorUnits),
    minor,
  ];
  return [
    line("opening", "", a.opening.amount),
    ...a.credits.map((c) => line("credit", c.category, c.amount.amount)),
    ...a.debits.map((d) => line("debit", d.category, d.amount.amount)),
    line("closing", "", a.closing.amount),
  ];
}

/** The CSV as a stream: the header, then each account's rows as they are written. */
function csvStream(accounts: AccountRows[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = [HEADER, ...accounts.flatMap(rowsOf)];
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next >= rows.length) return controller.close();
      controller.enqueue(encoder.encode(`${rows[next++]!.map(cell).join(",")}\r\n`));
    },
  });
}

/** A month as the path names it: YYYY-MM (monthRange then checks it is a real month). */
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export const statementRoutes: Route[] = [
  route({
    method: "GET",
    path: "/api/statements/:month.csv",
    surface: "legacy",
    doc: {
      summary: "A monthly statement as CSV: opening balance, credits and debits by category, closing balance, per account",
      description:
        "Columns: account_id, account_name, currency, row (opening, credit, debit, closing), category, amount (decimal), " +
        "amount_minor. Amounts never mix currencies: each row carries its account's.",
      params: {
        month: { description: "The UTC month, as YYYY-MM.", schema: { type: "string", pattern: MONTH_PATTERN.source } },
      },
      query: {
        scope: {
          description: "`group`: a master and every linked child; default: the caller's account.",
          schema: { type: "string", enum: ["account", "group"], default: "account" },
        },
      },
      responseType: "text/csv",
      response: { type: "string", description: "The CSV, header first." },
    },
    operation: StatementCsvDocument,
    variables: (_req, url, params) => {
      const month = params.month ?? "";
      if (!MONTH_PATTERN.test(month))
        throw new RouteParamError("The statement must be asked for as /api/statements/YYYY-MM.csv.");
      try {
        monthRange(month);
      } catch (err) {
        if (err instanceof ValidationError) throw new RouteParamError("The month must be a month as YYYY-MM.");
        throw err;
      }
      const scope = url.searchParams.get("scope") ?? "account";
      if (scope !== "account" && scope !== "group") throw new RouteParamError("The scope field must be account or group.");
      return { month, scope: scope === "group" ? ("GROUP" as const) : ("ACCOUNT" as const) };
    },
    respond: ({ viewer }, { month }) =>
      new Response(csvStream(viewer.statement.accounts), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="statement-${month}.csv"`,
        },
      }),
  }),
];
