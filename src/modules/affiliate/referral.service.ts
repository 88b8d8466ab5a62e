import type { PrismaClient } from "../../generated/prisma/client.ts";
import { ValidationError } from "../errors.ts";
import { cursorKey, decodeCursor, encodeCursor } from "../ledger/cursor.ts";

export type InvitedRow = { referralId: number; accountId: number; email: string; feeBps: number; joinedAt: Date };
export type InvitedPage = {
  edges: { cursor: string; node: InvitedRow }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
};

export const MAX_INVITED_PAGE = 1000;

/** The creators an affiliate referred, oldest first, keyset-paged over (created_at, id). */
export async function invitedPage(
  prisma: PrismaClient,
  referrerId: number,
  args: { first?: number | null; after?: string | null },
): Promise<InvitedPage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_INVITED_PAGE) throw ValidationError.field("first", `must be between 1 and ${MAX_INVITED_PAGE}`);
  const key = await cursorKey(prisma);
  const fingerprint = `invited:${referrerId}`;
  const after = args.after ? decodeCursor(key, args.after, { order: "DATE_ASC", fingerprint, argument: "after" }) : null;
  const rows = await prisma.referral.findMany({
    where: {
      referrerId,
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: first + 1,
    include: { referred: { select: { id: true, email: true } } },
  });
  const edges = rows.slice(0, first).map((r) => ({
    cursor: encodeCursor(key, "DATE_ASC", fingerprint, { createdAt: r.createdAt, id: r.id }),
    node: { referralId: r.id, accountId: r.referred.id, email: r.referred.email, feeBps: r.feeBps, joinedAt: r.createdAt },
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => prisma.referral.count({ where: { referrerId } }),
  };
}

/** Lifetime fees a referrer earned from each referred creator: one grouped query for many pairs. */
export async function revenueByReferredCreator(
  prisma: PrismaClient,
  pairs: readonly { referrerWalletId: number; referredId: number }[],
): Promise<Map<string, { revenue: bigint; firstEarningAt: Date | null }>> {
  const groups = await prisma.ledgerEntry.groupBy({
    by: ["walletId", "counterpartyId"],
    where: { type: "AFFILIATE_EARNING", OR: pairs.map((p) => ({ walletId: p.referrerWalletId, counterpartyId: p.referredId })) },
    _sum: { amount: true },
    _min: { createdAt: true },
  });
  return new Map(
    groups.map((g) => [`${g.walletId}:${g.counterpartyId}`, { revenue: g._sum.amount ?? 0n, firstEarningAt: g._min.createdAt }]),
  );
}
