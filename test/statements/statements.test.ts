import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { type EntryLine, postMovement } from "../../src/modules/ledger/ledger.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { openWalletServer } from "../helpers/money.ts";

type Creator = Awaited<ReturnType<typeof createCreator>>;
type Line = { category: string; amount: { amount: number } };
type AccountMonth = {
  account: { id: number };
  currency: { code: string };
  opening: { amount: number };
  credits: Line[];
  debits: Line[];
  closing: { amount: number };
  reconciles: boolean;
};

const STATEMENT = `query($month: String!) { viewer { statement(month: $month, scope: GROUP) {
  accounts { account { id: legacyId } currency { code } opening { amount } credits { category amount { amount } }
    debits { category amount { amount } } closing { amount } reconciles }
  totalsByCurrency { currency { code } opening { amount } closing { amount } reconciles } } } }`;

/** A small deterministic generator (the test must be repeatable). */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor(s / 65_536) % n; // the high bits: an LCG's low bits repeat with a short period
  };
}

const month = (d: Date) => d.toISOString().slice(0, 7);
const MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);

describe("monthly statements: opening, credits and debits by category, closing, per currency; they reconcile with the ledger", () => {
  let db: Database;
  let url: string;
  let master: Creator;
  let children: Creator[];
  /** What the test itself wrote: net per account, month and category. */
  const expected = new Map<string, number>();
  const totals = new Map<number, number>();

  beforeAll(async () => {
    ({ db, url } = await openWalletServer());
    master = await createCreator(db, { name: 'Agency, "Quoted"' });
    children = [await createCreator(db), await createCreator(db, { currency: "EUR", name: "=SUM(A1)" })];
    for (const child of children) await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
    const next = random(20250101);
    for (const account of [master, ...children]) {
      const balances = { AVAILABLE: 0, HOLD: 0, PENDING: 0 };
      let at = Date.UTC(2025, 0, 1, 3);
      for (;;) {
        at += (1 + next(120)) * 3_600_000; // every 1-120 hours, through 2025
        if (at >= Date.UTC(2026, 0, 1)) break;
        const amount = 1 + next(5_000);
        const choice = next(6);
        const lines: EntryLine[] = [];
        let category = "";
        let net = 0;
        if (choice === 0) {
          lines.push({ bucket: "HOLD", amount: BigInt(amount), type: "SALE", status: "PENDING" });
          [category, net] = ["SALE", amount];
        } else if (choice === 1 && balances.HOLD > 0) {
          const x = Math.min(amount, balances.HOLD);
          lines.push({ bucket: "HOLD", amount: BigInt(-x), type: "HOLD_RELEASE", status: "AVAILABLE", visible: false });
          lines.push({ bucket: "AVAILABLE", amount: BigInt(x), type: "HOLD_RELEASE", status: "AVAILABLE" });
        } else if (choice === 2) {
          lines.push({ bucket: "AVAILABLE", amount: BigInt(amount), type: "DEPOSIT", status: "AVAILABLE" });
          [category, net] = ["DEPOSIT", amount];
        } else if (choice === 3 && balances.AVAILABLE > 0) {
          const x = Math.min(amount, balances.AVAILABLE);
          lines.push({ bucket: "AVAILABLE", amount: BigInt(-x), type: "WITHDRAWAL", status: "AVAILABLE" });
          [category, net] = ["WITHDRAWAL", -x];
        } else if (choice === 4 && balances.AVAILABLE > 0) {
          const x = balances.AVAILABLE;
          lines.push({ bucket: "AVAILABLE", amount: BigInt(-x), type: "CASHOUT", status: "PENDING" });
          lines.push({ bucket: "PENDING", amount: BigInt(x), type: "CASHOUT", status: "PENDING", visible: false });
        } else if (choice === 5 && balances.PENDING > 0) {
          const x = balances.PENDING;
          lines.push({ bucket: "PENDING", amount: BigInt(-x), type: "RELEASE_PENDING", status: "PAID", visible: false });
          [category, net] = ["RELEASE_PENDING", -x];
        } else continue;
        for (const l of lines) balances[l.bucket] += Number(l.amount);
        await db.prisma.$transaction((tx) => postMovement(tx, { walletId: account.walletId, at: new Date(at), lines }));
        if (category) {
          const key = `${account.id}|${month(new Date(at))}|${category}`;
          expected.set(key, (expected.get(key) ?? 0) + net);
        }
      }
      totals.set(account.id, balances.AVAILABLE + balances.HOLD + balances.PENDING);
    }
  }, 120_000);

  const statementOf = async (m: string) =>
    (
      await gql<{
        viewer: {
          statement: {
            accounts: AccountMonth[];
            totalsByCurrency: {
              currency: { code: string };
              opening: { amount: number };
              closing: { amount: number };
              reconciles: boolean;
            }[];
          };
        };
      }>(url, STATEMENT, { token: master.token, variables: { month: m } })
    ).body.data!.viewer.statement;

  it("reconciles every month of a year of random movements with the ledger, both ways", async () => {
    const months = [];
    for (const m of MONTHS) months.push(await statementOf(m));
    for (const account of [master, ...children]) {
      const rows = months.map((s) => s.accounts.find((a) => a.account.id === account.id)!);
      expect(rows[0]!.opening.amount).toBe(0);
      expect(rows[11]!.closing.amount).toBe(totals.get(account.id));
      for (const [i, row] of rows.entries()) {
        expect(row.reconciles).toBe(true);
        if (i > 0) expect(row.opening.amount).toBe(rows[i - 1]!.closing.amount);
        // The other way: what the test wrote, by category, is exactly what the statement lists.
        const listed = Object.fromEntries([...row.credits, ...row.debits].map((l) => [l.category, l.amount.amount]));
        const written = Object.fromEntries(
          [...expected.entries()]
            .filter(([k]) => k.startsWith(`${account.id}|${MONTHS[i]}|`))
            .map(([k, v]) => [k.split("|")[2]!, v]),
        );
        expect(listed).toEqual(written);
        expect(row.credits.every((l) => l.amount.amount > 0) && row.debits.every((l) => l.amount.amount < 0)).toBe(true);
      }
    }
    // Per currency, never mixed: USD adds the master and its USD child, EUR is the EUR child alone.
    const dec = months[11]!;
    expect(dec.totalsByCurrency.map((t) => [t.currency.code, t.closing.amount, t.reconciles])).toEqual([
      ["USD", totals.get(master.id)! + totals.get(children[0]!.id)!, true],
      ["EUR", totals.get(children[1]!.id)!, true],
    ]);
    // A child sees only itself, even when asking for its group.
    const own = await gql<{ viewer: { statement: { accounts: unknown[] } } }>(url, STATEMENT, {
      token: children[0]!.token,
      variables: { month: "2025-06" },
    });
    expect(own.body.data!.viewer.statement.accounts).toHaveLength(1);
  });

  it("serves the same statement as a streamed CSV download with the right columns", async () => {
    // A month in which the master's balance went down as well as up.
    let chosen = MONTHS[0]!;
    let march = await statementOf(chosen);
    for (const m of MONTHS) {
      [chosen, march] = [m, await statementOf(m)];
      if (march.accounts.find((a) => a.account.id === master.id)!.debits.length > 0) break;
    }
    const res = await fetch(`${url}/api/statements/${chosen}.csv?scope=group`, {
      headers: { authorization: `Bearer ${master.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="statement-${chosen}.csv"`);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("account_id,account_name,currency,row,category,amount,amount_minor");
    expect(lines.at(-1)).toBe("");
    const mine = march.accounts.find((a) => a.account.id === master.id)!;
    const fixed = (minor: number) =>
      `${minor < 0 ? "-" : ""}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, "0")}`;
    expect(lines).toContain(
      `${master.id},"Agency, ""Quoted""",USD,opening,,${fixed(mine.opening.amount)},${mine.opening.amount}`,
    );
    expect(lines).toContain(
      `${master.id},"Agency, ""Quoted""",USD,closing,,${fixed(mine.closing.amount)},${mine.closing.amount}`,
    );
    expect(mine.debits.length).toBeGreaterThan(0);
    for (const d of mine.debits) {
      expect(lines).toContain(
        `${master.id},"Agency, ""Quoted""",USD,debit,${d.category},${fixed(d.amount.amount)},${d.amount.amount}`,
      );
    }
    expect(lines.some((l) => l.startsWith(`${children[1]!.id},'=SUM(A1),EUR,opening,`))).toBe(true); // no formula injection
    expect(lines.length - 2).toBe(march.accounts.reduce((n, a) => n + 2 + a.credits.length + a.debits.length, 0));
  });

  it("refuses a month that is not one, in the legacy envelope; only CSV statements exist", async () => {
    for (const file of ["2025-13.csv", "march.csv", "2025-3.csv"]) {
      const res = await fetch(`${url}/api/statements/${file}`, { headers: { authorization: `Bearer ${master.token}` } });
      expect([res.status, await res.json()]).toEqual([
        422,
        { success: false, errors_message: "The statement must be asked for as /api/statements/YYYY-MM.csv.", data: null },
      ]);
    }
    const pdf = await fetch(`${url}/api/statements/2025-03.pdf`, { headers: { authorization: `Bearer ${master.token}` } });
    expect([pdf.status, await pdf.json()]).toEqual([404, { success: false, errors_message: "Not found.", data: null }]);
    const graph = await gql(url, `{ viewer { statement(month: "2025-00") { month } } }`, { token: master.token });
    expect(graph.body.errors?.[0]?.message).toBe("month: must be a month as YYYY-MM");
  });
});
