import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { cursorKey, decodeCursor, encodeCursor, filterFingerprint, lazyPage } from "./cursor.ts";
import { type ConnectionRequest, keysetBound, LEDGER_COLUMNS, type LedgerRow, pageShape, where } from "./ledger-query.ts";
import { sqlLimit } from "../../db/sql-limit.ts";

export type GroupLedgerPage = {
  edges: { cursor: string; node: LedgerRow }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};

/**
 * One keyset connection over several wallets (a master and its children), newest first by
 * default: each wallet's index is scanned for its next `size + 1` rows (a LATERAL join) and the
 * union is merged and cut to the page, in one statement. Ids are unique across wallets, so
 * (created_at, id) orders every entry of the group and a page can neither skip nor repeat one,
 * whatever is written between pages. Cursors are signed and bound to the group and filter.
 */
export async function groupLedgerPage(
  prisma: PrismaClient,
  group: { key: number; walletIds: readonly number[] },
  args: ConnectionRequest,
): Promise<GroupLedgerPage> {
  const { filter, order, backwards, size, direction } = pageShape(args);
  const key = await cursorKey(prisma);
  const fingerprint = filterFingerprint({ group: group.key, filter });
  const after = args.after ? decodeCursor(key, args.after, { order, fingerprint, argument: "after" }) : null;
  const before = args.before ? decodeCursor(key, args.before, { order, fingerprint, argument: "before" }) : null;
  const bounds: Prisma.Sql[] = [];
  if (after) bounds.push(keysetBound(after, order === "DATE_DESC" ? "<" : ">"));
  if (before) bounds.push(keysetBound(before, order === "DATE_DESC" ? ">" : "<"));
  const wallets = Prisma.join(group.walletIds.map((id) => Prisma.sql`(CAST(${id} AS int))`));
  const rows =
    group.walletIds.length === 0
      ? []
      : await prisma.$queryRaw<LedgerRow[]>`
          SELECT p.* FROM (VALUES ${wallets}) AS w(id) CROSS JOIN LATERAL (
            SELECT ${LEDGER_COLUMNS} FROM ledger_entries e
            WHERE ${Prisma.join([where(Prisma.sql`w.id`, filter), ...bounds], " AND ")}
            ORDER BY e.created_at ${direction}, e.id ${direction}
            ${sqlLimit(size + 1)}
          ) p
          ORDER BY p."createdAt" ${direction}, p.id ${direction}
          ${sqlLimit(size + 1)}`;
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  return lazyPage(page, (node) => encodeCursor(key, order, fingerprint, node), {
    hasNextPage: backwards ? before !== null : more,
    hasPreviousPage: backwards ? more : after !== null,
  });
}
