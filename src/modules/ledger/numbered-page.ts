import type { Database } from "../../db/database.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { ValidationError } from "../errors.ts";
import {
  countQuery,
  LEDGER_COLUMNS,
  type LedgerFilter,
  type LedgerRow,
  ledgerRow,
  MAX_PAGE_SIZE,
  normalise,
  where,
} from "./ledger-query.ts";
import { sqlLimit } from "../../db/sql-limit.ts";

/** Numbered pages, newest first, for legacy clients (Laravel's paginator shape). */
export type LedgerPage = { items: LedgerRow[]; total: number; currentPage: number; perPage: number; lastPage: number };
export type NumberedPageArgs = { page: number; perPage: number; filter?: LedgerFilter | null };

/** The total and the page's rows: one row with a null entry when the page is empty. */
export type NumberedPageRow = { [K in keyof LedgerRow]: LedgerRow[K] | null } & { total: number };

export type NumberedPageRequest = NumberedPageArgs & { filter: LedgerFilter };

/** The arguments checked (ValidationError) and the filter in its canonical form. */
export function numberedPageRequest(args: NumberedPageArgs): NumberedPageRequest {
  if (!Number.isInteger(args.page) || args.page < 1) throw ValidationError.field("page", "must be an integer of at least 1");
  if (!Number.isInteger(args.perPage) || args.perPage < 1 || args.perPage > MAX_PAGE_SIZE) {
    throw ValidationError.field("perPage", `must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return { page: args.page, perPage: args.perPage, filter: normalise(args.filter ?? {}) };
}

/**
 * The total and the page in one statement, its rows as NumberedPageRow. The wallet is an id or
 * a column (the LATERAL join's `w.id`), as in `where`.
 */
export function numberedPageQuery(wallet: number | Prisma.Sql, req: NumberedPageRequest): Prisma.Sql {
  return Prisma.sql`
    SELECT p.*, t.n AS total FROM (${countQuery(wallet, req.filter)}) t LEFT JOIN LATERAL (${pageEntries(wallet, req)}) p ON true`;
}

/** The page's entries, newest first, in `columns`. */
export function pageEntries(wallet: number | Prisma.Sql, req: NumberedPageRequest, columns = LEDGER_COLUMNS): Prisma.Sql {
  return Prisma.sql`SELECT ${columns} FROM ledger_entries e WHERE ${where(wallet, req.filter)}
    ORDER BY e.created_at DESC, e.id DESC ${sqlLimit(req.perPage, (req.page - 1) * req.perPage)}`;
}

/** The page from the rows of numberedPageQuery (in page order). */
export function numberedPageOf(rows: NumberedPageRow[], req: NumberedPageArgs): LedgerPage {
  const items = rows.filter((r) => r.id !== null).map((row) => ledgerRow(row as unknown as LedgerRow));
  return pageOf(items, rows[0]?.total ?? 0, req);
}

export const pageOf = (items: LedgerRow[], total: number, req: NumberedPageArgs): LedgerPage => ({
  items,
  total,
  currentPage: req.page,
  perPage: req.perPage,
  lastPage: Math.max(1, Math.ceil(total / req.perPage)),
});

/** One wallet's numbered page. */
export async function ledgerPage(db: Database, walletId: number, args: NumberedPageArgs): Promise<LedgerPage> {
  const req = numberedPageRequest(args);
  const rows = await db.query<NumberedPageRow>(
    Prisma.sql`SELECT n.* FROM (${numberedPageQuery(walletId, req)}) n ORDER BY n."createdAt" DESC, n.id DESC`,
  );
  return numberedPageOf(rows, req);
}

/** One key per meaning of a page request of one wallet, whatever order the executor built the arguments in. */
export function numberedPageKey(walletId: number, args: NumberedPageArgs): string {
  const f = args.filter ?? {};
  return JSON.stringify([
    walletId,
    args.page,
    args.perPage,
    f.from ?? null,
    f.to ?? null,
    f.types ?? null,
    f.buckets ?? null,
    f.uuid ?? null,
  ]);
}
