import type { Database } from "../../db/database.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { Bucket, LedgerType } from "../../generated/prisma/enums.ts";
import { ValidationError } from "../errors.ts";
import { cursorKey, decodeCursor, encodeCursor, filterFingerprint, lazyPage, type LedgerOrder, type Position } from "./cursor.ts";
import { sqlLimit } from "../../db/sql-limit.ts";

/**
 * Reads of one wallet's visible ledger entries by hand-written keyset SQL over the partial
 * index (wallet_id, created_at, id) WHERE visible: the first page and a page a million rows
 * deep cost the same. (A generic nested Prisma connection paged with OFFSET-like scans.)
 */
export type LedgerFilter = {
  from?: Date | null;
  to?: Date | null;
  types?: LedgerType[] | null;
  uuid?: string | null;
  buckets?: Bucket[] | null;
};

export type LedgerRow = {
  id: number;
  uuid: string;
  walletId: number;
  amount: bigint;
  fee: bigint;
  bucket: Bucket;
  balanceAfter: bigint;
  type: LedgerType;
  status: string;
  title: string | null;
  description: string | null;
  externalId: string | null;
  source: string | null;
  destination: string | null;
  payoutId: number | null;
  invoiceId: number | null;
  paymentMethodId: number | null;
  productId: number | null;
  createdAt: Date;
};

/** An entry's columns (table alias `e`) and the LedgerRow field each becomes; amounts are bigint. */
const LEDGER_FIELDS: readonly (readonly [column: string, field: keyof LedgerRow, amount?: "amount"])[] = [
  ["e.id", "id"],
  ["e.uuid::text", "uuid"],
  ["e.wallet_id", "walletId"],
  ["e.amount", "amount", "amount"],
  ["e.fee", "fee", "amount"],
  ["e.bucket::text", "bucket"],
  ["e.balance_after", "balanceAfter", "amount"],
  ["e.type::text", "type"],
  ["e.status::text", "status"],
  ["e.title", "title"],
  ["e.description", "description"],
  ["e.external_id", "externalId"],
  ["e.source", "source"],
  ["e.destination", "destination"],
  ["e.payout_id", "payoutId"],
  ["e.invoice_id", "invoiceId"],
  ["e.payment_method_id", "paymentMethodId"],
  ["e.product_id", "productId"],
  ["e.created_at", "createdAt"],
];

export const LEDGER_COLUMNS = Prisma.raw(LEDGER_FIELDS.map(([column, field]) => `${column} AS "${field}"`).join(", "));

/**
 * The rows `p` of a sub-select of LEDGER_TEXT_COLUMNS as one JSON array ('[]' when none): one
 * value to send and parse instead of a row per entry, for a page read together with its wallet
 * (whose columns would otherwise repeat on every row). ledgerRowFromJson reads its elements.
 */
export const LEDGER_JSON = Prisma.raw(`coalesce(json_agg(p), '[]')`);
/** LEDGER_COLUMNS with the amounts as text, so that they stay exact past 2^53 in JSON. */
export const LEDGER_TEXT_COLUMNS = Prisma.raw(
  LEDGER_FIELDS.map(([column, field, amount]) => `${column}${amount ? "::text" : ""} AS "${field}"`).join(", "),
);

/** An element of LEDGER_JSON made a LedgerRow. */
export function ledgerRowFromJson(element: LedgerRow): LedgerRow {
  const row = ledgerRow(element);
  row.createdAt = new Date(element.createdAt);
  return row;
}

/** A row of LEDGER_COLUMNS as a driver gives it (bigint columns may come as text) made a LedgerRow. */
export const ledgerRow = (row: LedgerRow): LedgerRow => ({
  // Field by field (not a spread): other columns of the row, such as a joined wallet's, stay out,
  // and every entry has the same shape (a hot path: 21 rows per page).
  id: row.id,
  uuid: row.uuid,
  walletId: row.walletId,
  amount: BigInt(row.amount),
  fee: BigInt(row.fee),
  bucket: row.bucket,
  balanceAfter: BigInt(row.balanceAfter),
  type: row.type,
  status: row.status,
  title: row.title,
  description: row.description,
  externalId: row.externalId,
  source: row.source,
  destination: row.destination,
  payoutId: row.payoutId,
  invoiceId: row.invoiceId,
  paymentMethodId: row.paymentMethodId,
  productId: row.productId,
  createdAt: row.createdAt,
});

/** The visible entries of one wallet (an id, or a column such as the LATERAL join's `w.id`) that match the filter. */
export function where(wallet: number | Prisma.Sql, filter: LedgerFilter): Prisma.Sql {
  const parts = [Prisma.sql`e.wallet_id = ${wallet}`, Prisma.sql`e.visible`];
  if (filter.from) parts.push(Prisma.sql`e.created_at >= ${filter.from}`);
  if (filter.to) parts.push(Prisma.sql`e.created_at <= ${filter.to}`);
  // IN lists of single parameters: array parameters do not survive every driver adapter.
  if (filter.types?.length)
    parts.push(Prisma.sql`e.type IN (${Prisma.join(filter.types.map((t) => Prisma.sql`CAST(${t} AS "LedgerType")`))})`);
  if (filter.buckets?.length)
    parts.push(Prisma.sql`e.bucket IN (${Prisma.join(filter.buckets.map((b) => Prisma.sql`CAST(${b} AS "Bucket")`))})`);
  if (filter.uuid) parts.push(Prisma.sql`e.uuid = CAST(${filter.uuid} AS uuid)`);
  return Prisma.join(parts, " AND ");
}

export type ConnectionArgs = { first?: number | null; after?: string | null; last?: number | null; before?: string | null };
export type LedgerConnection = {
  edges: { cursor: string; node: LedgerRow }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
};

export const MAX_PAGE_SIZE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ConnectionRequest = ConnectionArgs & {
  filter?: LedgerFilter | null;
  order?: LedgerOrder | null;
  defaultFirst?: number;
};

/**
 * One key per meaning of a request: absent and null arguments alike, the default order spelt
 * out, whatever order the executor built the arguments object in (graphql-jit and the
 * standard executor differ there).
 */
export function connectionRequestKey(args: ConnectionRequest): string {
  const f = args.filter ?? {};
  return JSON.stringify([
    args.first ?? null,
    args.after ?? null,
    args.last ?? null,
    args.before ?? null,
    args.order ?? "DATE_DESC",
    args.defaultFirst ?? null,
    [f.from ?? null, f.to ?? null, f.types ?? null, f.buckets ?? null, f.uuid ?? null],
  ]);
}

/**
 * The same page of several wallets' entries in one statement: a LATERAL keyset scan per
 * wallet (each walks its own index range), so a list of wallets costs one round trip, not one
 * per wallet. A wallet whose cursor does not belong to it gets its InvalidCursorError.
 */
export async function ledgerConnections(
  db: Database,
  walletIds: readonly number[],
  args: ConnectionRequest,
): Promise<Map<number, LedgerConnection | Error>> {
  const shape = pageShape(args);
  const key = await cursorKey(db.prisma);
  const results = new Map<number, LedgerConnection | Error>();
  // Wallets grouped by their decoded cursor bounds (without cursors: all of them in one group).
  const groups = new Map<string, { bounds: PageBounds; walletIds: number[] }>();
  for (const walletId of new Set(walletIds)) {
    let bounds: PageBounds;
    try {
      bounds = pageBounds(key, shape, args, walletId);
    } catch (err) {
      results.set(walletId, err as Error);
      continue;
    }
    const group = JSON.stringify(bounds);
    const entry = groups.get(group) ?? { bounds, walletIds: [] };
    entry.walletIds.push(walletId);
    groups.set(group, entry);
  }
  for (const group of groups.values()) {
    const wallets = Prisma.join(group.walletIds.map((id) => Prisma.sql`(CAST(${id} AS int))`));
    const rows = (
      await db.query<LedgerRow>(Prisma.sql`
      SELECT p.* FROM (VALUES ${wallets}) AS w(id) CROSS JOIN LATERAL (${pageQuery(Prisma.sql`w.id`, shape, group.bounds)}) p`)
    ).map(ledgerRow);
    const byWallet = new Map<number, LedgerRow[]>(group.walletIds.map((id) => [id, []]));
    for (const row of rows) byWallet.get(row.walletId)!.push(row);
    for (const [walletId, walletRows] of byWallet)
      results.set(walletId, connectionOf(db, key, shape, group.bounds, walletId, walletRows));
  }
  return results;
}

export type PageShape = ReturnType<typeof pageShape>;
/** Where a page starts and ends (from its cursors), already checked. */
export type PageBounds = { after: Position | null; before: Position | null };

/** A request's cursors, checked (signature, order, and that they were issued for this wallet and filter). */
export function pageBounds(key: Buffer, shape: PageShape, args: ConnectionArgs, walletId: number): PageBounds {
  // The wallet is part of the fingerprint: another account's cursor is rejected, not reinterpreted.
  const fingerprint = filterFingerprint({ walletId, filter: shape.filter });
  const { order } = shape;
  return {
    after: args.after ? decodeCursor(key, args.after, { order, fingerprint, argument: "after" }) : null,
    before: args.before ? decodeCursor(key, args.before, { order, fingerprint, argument: "before" }) : null,
  };
}

/** One wallet's page (and one entry more, to know whether more follow), wallet an id or a column. */
export function pageQuery(
  wallet: number | Prisma.Sql,
  shape: PageShape,
  bounds: PageBounds,
  columns = LEDGER_COLUMNS,
): Prisma.Sql {
  const { filter, order, direction } = shape;
  const conditions = [where(wallet, filter)];
  if (bounds.after) conditions.push(keysetBound(bounds.after, order === "DATE_DESC" ? "<" : ">"));
  if (bounds.before) conditions.push(keysetBound(bounds.before, order === "DATE_DESC" ? ">" : "<"));
  return Prisma.sql`SELECT ${columns} FROM ledger_entries e WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY e.created_at ${direction}, e.id ${direction} ${sqlLimit(shape.size + 1)}`;
}

/** A wallet's connection from the rows pageQuery found (in any order). */
export function connectionOf(
  db: Database,
  key: Buffer,
  shape: PageShape,
  bounds: PageBounds,
  walletId: number,
  rows: LedgerRow[],
): LedgerConnection {
  const { filter, order, backwards, size, descending } = shape;
  // The scan's order (a join does not promise to keep it).
  const sign = descending ? -1 : 1;
  rows.sort((a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id));
  const fingerprint = filterFingerprint({ walletId, filter });
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  const { edges, pageInfo } = lazyPage(page, (node) => encodeCursor(key, order, fingerprint, node), {
    hasNextPage: backwards ? bounds.before !== null : more,
    hasPreviousPage: backwards ? more : bounds.after !== null,
  });
  return { edges, pageInfo, totalCount: () => countEntries(db, walletId, filter) };
}

/**
 * A connection request's shape, checked: the filter, the order, the direction of the scan
 * (backwards for `last`) and the page size (1..MAX_PAGE_SIZE; `first` and `last` exclude
 * each other).
 */
export function pageShape(args: ConnectionRequest) {
  const filter = normalise(args.filter ?? {});
  const order = args.order ?? "DATE_DESC";
  if (args.first != null && args.last != null) throw ValidationError.field("last", "use either first or last, not both");
  for (const name of ["first", "last"] as const) {
    const n = args[name];
    if (n != null && (n < 1 || n > MAX_PAGE_SIZE)) throw ValidationError.field(name, `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  const backwards = args.last != null;
  const size = args.last ?? args.first ?? args.defaultFirst ?? 20;
  const descending = (order === "DATE_DESC") !== backwards; // the direction we scan in
  return { filter, order, backwards, size, descending, direction: descending ? Prisma.sql`DESC` : Prisma.sql`ASC` };
}

export function keysetBound(at: Position, op: "<" | ">"): Prisma.Sql {
  return op === "<"
    ? Prisma.sql`(e.created_at, e.id) < (${at.createdAt}, ${at.id})`
    : Prisma.sql`(e.created_at, e.id) > (${at.createdAt}, ${at.id})`;
}

/**
 * How many visible entries match: from the per-type and per-bucket counters the database keeps
 * on insert (a few rows, whatever the ledger's size) unless the filter needs the entries
 * themselves (a time range or one uuid).
 */
export async function countEntries(db: Database, walletId: number, filter: LedgerFilter): Promise<number> {
  const rows = await db.query<{ n: number }>(countQuery(walletId, filter));
  return rows[0]?.n ?? 0;
}

/** The statement countEntries runs (also a sub-select of a numbered page's); the wallet as in `where`. */
export function countQuery(walletId: number | Prisma.Sql, filter: LedgerFilter): Prisma.Sql {
  const f = normalise(filter);
  if (f.from || f.to || f.uuid) return Prisma.sql`SELECT count(*)::int AS n FROM ledger_entries e WHERE ${where(walletId, f)}`;
  const parts = [Prisma.sql`c.wallet_id = ${walletId}`];
  if (f.types?.length)
    parts.push(Prisma.sql`c.type IN (${Prisma.join(f.types.map((t) => Prisma.sql`CAST(${t} AS "LedgerType")`))})`);
  if (f.buckets?.length)
    parts.push(Prisma.sql`c.bucket IN (${Prisma.join(f.buckets.map((b) => Prisma.sql`CAST(${b} AS "Bucket")`))})`);
  return Prisma.sql`SELECT COALESCE(sum(c.entries), 0)::int AS n FROM wallet_entry_counts c WHERE ${Prisma.join(parts, " AND ")}`;
}

/** One canonical form per filter, so equal filters give equal cursor fingerprints. */
export function normalise(filter: LedgerFilter): LedgerFilter {
  if (filter.from && filter.to && filter.from > filter.to) throw ValidationError.field("from", "must not be after to");
  if (filter.uuid && !UUID.test(filter.uuid)) throw ValidationError.field("uuid", "must be a UUID");
  return {
    from: filter.from ?? null,
    to: filter.to ?? null,
    types: filter.types?.length ? [...filter.types].sort() : null,
    uuid: filter.uuid?.toLowerCase() ?? null,
    buckets: filter.buckets?.length ? [...filter.buckets].sort() : null,
  };
}

/** A visible entry by id, or null (internal entries are never shown). */
export async function visibleLedgerRowById(prisma: PrismaClient, id: number): Promise<LedgerRow | null> {
  const rows = await prisma.$queryRaw<
    LedgerRow[]
  >`SELECT ${LEDGER_COLUMNS} FROM ledger_entries e WHERE e.id = ${id} AND e.visible`;
  return rows[0] ?? null;
}

export async function ledgerRowById(prisma: PrismaClient, id: number): Promise<LedgerRow> {
  const rows = await prisma.$queryRaw<LedgerRow[]>`SELECT ${LEDGER_COLUMNS} FROM ledger_entries e WHERE e.id = ${id}`;
  return rows[0]!;
}
