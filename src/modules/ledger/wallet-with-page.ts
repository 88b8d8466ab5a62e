import type { Database } from "../../db/database.ts";
import { Prisma, type Wallet } from "../../generated/prisma/client.ts";
import { walletColumns, walletRow } from "../wallet/wallet-rows.ts";
import { cursorKey, filterFingerprint, readCursor } from "./cursor.ts";
import {
  type ConnectionRequest,
  connectionOf,
  countQuery,
  type LedgerConnection,
  LEDGER_JSON,
  LEDGER_TEXT_COLUMNS,
  type LedgerRow,
  ledgerRowFromJson,
  pageQuery,
  pageShape,
} from "./ledger-query.ts";
import { type LedgerPage, type NumberedPageArgs, numberedPageRequest, pageEntries, pageOf } from "./numbered-page.ts";

const WALLET = "wallet.";

/**
 * An account's wallet and one page of its entries in one statement and one row, the page as
 * JSON (the hot read: the wallet is looked up by its account, so the page cannot wait for its
 * id). The cursors' signatures and order are checked first; whether they were issued for this
 * wallet, once its id is known: when not, the connection is null and the ordinary path answers
 * the request (and its error).
 * Throws the request's ValidationError or InvalidCursorError as ledgerConnections would.
 */
export async function walletWithPage(
  db: Database,
  accountId: number,
  args: ConnectionRequest,
): Promise<{ wallet: Wallet; connection: LedgerConnection | null } | null> {
  const shape = pageShape(args);
  const key = await cursorKey(db.prisma);
  const after = args.after ? readCursor(key, args.after, { order: shape.order, argument: "after" }) : null;
  const before = args.before ? readCursor(key, args.before, { order: shape.order, argument: "before" }) : null;
  const bounds = { after: after?.position ?? null, before: before?.position ?? null };
  const rows = await db.query<Record<string, unknown> & { page: LedgerRow[] }>(Prisma.sql`
    SELECT ${walletColumns(WALLET)}, (SELECT ${LEDGER_JSON} FROM (${pageQuery(Prisma.sql`w.id`, shape, bounds, LEDGER_TEXT_COLUMNS)}) p) AS page
    FROM wallets w WHERE w.account_id = ${accountId}`);
  if (rows.length === 0) return null;
  const wallet = walletRow(rows[0]!, WALLET);
  const fingerprint = filterFingerprint({ walletId: wallet.id, filter: shape.filter });
  if ((after && after.fingerprint !== fingerprint) || (before && before.fingerprint !== fingerprint))
    return { wallet, connection: null };
  const entries = rows[0]!.page.map(ledgerRowFromJson);
  return { wallet, connection: connectionOf(db, key, shape, bounds, wallet.id, entries) };
}

/**
 * An account's wallet and one numbered page of its entries (legacy clients' hot read) in one
 * statement and one row, the page as JSON. Throws the request's ValidationError as ledgerPage would.
 */
export async function walletWithNumberedPage(
  db: Database,
  accountId: number,
  args: NumberedPageArgs,
): Promise<{ wallet: Wallet; page: LedgerPage } | null> {
  const req = numberedPageRequest(args);
  const rows = await db.query<Record<string, unknown> & { total: number; page: LedgerRow[] }>(Prisma.sql`
    SELECT ${walletColumns(WALLET)}, (${countQuery(Prisma.sql`w.id`, req.filter)}) AS total,
      (SELECT ${LEDGER_JSON} FROM (${pageEntries(Prisma.sql`w.id`, req, LEDGER_TEXT_COLUMNS)}) p) AS page
    FROM wallets w WHERE w.account_id = ${accountId}`);
  if (rows.length === 0) return null;
  const row = rows[0]!;
  // json_agg keeps the sub-select's order in practice, but nothing promises it.
  const items = row.page.map(ledgerRowFromJson).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  return { wallet: walletRow(row, WALLET), page: pageOf(items, row.total, req) };
}
