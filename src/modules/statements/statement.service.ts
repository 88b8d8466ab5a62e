import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { LedgerType } from "../../generated/prisma/enums.ts";
import { accountGroupOf, groupMembers } from "../accounts/account-group.service.ts";
import { ValidationError } from "../errors.ts";

export type StatementLine = { category: LedgerType; amount: bigint };
export type BalanceStatement = {
  currencyId: number;
  opening: bigint;
  closing: bigint;
  /** Positive net amounts per category (sales, deposits, ...). */
  credits: StatementLine[];
  /** Negative net amounts per category (payouts, refunds, ...). */
  debits: StatementLine[];
};
export type AccountStatement = BalanceStatement & { accountId: number };
export type Statement = {
  month: string;
  from: Date;
  to: Date;
  accounts: AccountStatement[];
  totalsByCurrency: BalanceStatement[];
};

/** "2026-03" -> [2026-03-01T00:00Z, 2026-04-01T00:00Z). */
export function monthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw ValidationError.field("month", "must be a month as YYYY-MM");
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { from: new Date(Date.UTC(year, index, 1)), to: new Date(Date.UTC(year, index + 1, 1)) };
}

export const reconciles = (s: BalanceStatement): boolean =>
  s.opening + [...s.credits, ...s.debits].reduce((sum, l) => sum + l.amount, 0n) === s.closing;

/**
 * A month of one account (or of a master and its linked children) in UTC: the wallet's total
 * (available + hold + pending) at the start and at the end, and what moved it in between, by
 * category. Each movement counts once, by its net effect on the total: moves between buckets
 * (a hold release, a cashout to pending) net to zero and are not listed. Opening and closing
 * come from the balance snapshot on the last entry before each bound (index reads); the
 * month's movements are summed once. Never mixes currencies: totals are per currency.
 */
export async function monthlyStatement(
  prisma: PrismaClient,
  viewerId: number,
  month: string,
  scope: "ACCOUNT" | "GROUP",
): Promise<Statement> {
  const { from, to } = monthRange(month);
  const accountIds = scope === "GROUP" ? groupMembers(viewerId, await accountGroupOf(prisma, viewerId)) : [viewerId];
  const wallets = await prisma.wallet.findMany({
    where: { accountId: { in: accountIds } },
    select: { id: true, accountId: true, currencyId: true },
  });
  if (wallets.length === 0) return { month, from, to, accounts: [], totalsByCurrency: [] };
  const ids = Prisma.join(wallets.map((w) => w.id));
  const balanceAt = (bound: Date) => prisma.$queryRaw<{ wallet_id: number; total: bigint }[]>`
    SELECT w.id AS wallet_id,
           COALESCE((SELECT e.available_after + e.hold_after + e.pending_after FROM ledger_entries e
                     WHERE e.wallet_id = w.id AND e.created_at < ${bound}
                     ORDER BY e.created_at DESC, e.id DESC LIMIT 1), 0)::bigint AS total
    FROM wallets w WHERE w.id IN (${ids})`;
  const [opening, closing, moves] = await Promise.all([
    balanceAt(from),
    balanceAt(to),
    prisma.$queryRaw<{ wallet_id: number; type: LedgerType; credits: bigint | null; debits: bigint | null }[]>`
      SELECT m.wallet_id, m.type,
             SUM(m.net) FILTER (WHERE m.net > 0)::bigint AS credits, SUM(m.net) FILTER (WHERE m.net < 0)::bigint AS debits
      FROM (
        SELECT e.wallet_id, e.movement_id, e.type::text AS type, SUM(e.amount) AS net
        FROM ledger_entries e
        WHERE e.wallet_id IN (${ids}) AND e.created_at >= ${from} AND e.created_at < ${to}
        GROUP BY e.wallet_id, e.movement_id, e.type
      ) m
      GROUP BY m.wallet_id, m.type ORDER BY m.wallet_id, m.type`,
  ]);
  const totalOf = (rows: { wallet_id: number; total: bigint }[], walletId: number) =>
    BigInt(rows.find((r) => r.wallet_id === walletId)?.total ?? 0n);
  const order = new Map(accountIds.map((id, i) => [id, i]));
  const accounts = [...wallets]
    .sort((a, b) => order.get(a.accountId)! - order.get(b.accountId)!)
    .map((w) => {
      const mine = moves.filter((m) => m.wallet_id === w.id);
      return {
        accountId: w.accountId,
        currencyId: w.currencyId,
        opening: totalOf(opening, w.id),
        closing: totalOf(closing, w.id),
        credits: mine.filter((m) => m.credits !== null).map((m) => ({ category: m.type, amount: BigInt(m.credits!) })),
        debits: mine.filter((m) => m.debits !== null).map((m) => ({ category: m.type, amount: BigInt(m.debits!) })),
      };
    });
  return { month, from, to, accounts, totalsByCurrency: byCurrency(accounts) };
}

/** The accounts' statements added up per currency (never across currencies). */
function byCurrency(accounts: AccountStatement[]): BalanceStatement[] {
  const totals = new Map<number, BalanceStatement>();
  const add = (lines: StatementLine[], line: StatementLine) => {
    const found = lines.find((l) => l.category === line.category);
    if (found) found.amount += line.amount;
    else lines.push({ ...line });
  };
  for (const a of accounts) {
    const t = totals.get(a.currencyId) ?? { currencyId: a.currencyId, opening: 0n, closing: 0n, credits: [], debits: [] };
    t.opening += a.opening;
    t.closing += a.closing;
    for (const l of a.credits) add(t.credits, l);
    for (const l of a.debits) add(t.debits, l);
    totals.set(a.currencyId, t);
  }
  const sorted = (lines: StatementLine[]) => lines.sort((x, y) => x.category.localeCompare(y.category));
  return [...totals.values()]
    .sort((a, b) => a.currencyId - b.currencyId)
    .map((t) => ({ ...t, credits: sorted(t.credits), debits: sorted(t.debits) }));
}
