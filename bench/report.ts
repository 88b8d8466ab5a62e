// Stats report latency: a master with 10 children and 1,000,000 ledger entries across them,
// page 1 and page 500 (10 per page) with the sums, on PostgreSQL. Run by hand:
//   DATABASE_URL=postgres://... npx tsx bench/report.ts [entries=1000000] [requests=100]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app.ts";
import { measure } from "./measure.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/logger.ts";
import { createAccount } from "../src/modules/accounts/account.service.ts";
import { linkChild } from "../src/modules/accounts/account-group.service.ts";
import { issueToken } from "../src/modules/accounts/token.service.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL: this benchmark runs on PostgreSQL");
const entries = Number(process.argv[2] ?? 1_000_000);
const requests = Number(process.argv[3] ?? 100);
const logger = createLogger("warn");
const db = await openDatabase({ kind: "postgres", url, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 0 }, logger);
await migrate(db.pool);

const stamp = Date.now();
const master = await createAccount(db.prisma, { email: `org-${stamp}@bench.example`, displayName: "Bench org", currency: "USD" });
const children: Awaited<ReturnType<typeof createAccount>>[] = [];
for (let i = 0; i < 10; i++) {
  const child = await createAccount(db.prisma, {
    email: `org-child-${i}-${stamp}@bench.example`,
    displayName: `Child org ${i}`,
    currency: "USD",
  });
  await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
  children.push(child);
}
const { token } = await issueToken(db.prisma, { accountId: master.id });

const t = performance.now();
const perChild = Math.floor(entries / children.length);
await db.pool.withSession(async (s) => {
  for (const child of children) {
    // Alternating deposits (+1000) and withdrawals (-400) on available: payments-like volume with a balance chain.
    await s.query(
      `INSERT INTO ledger_entries (wallet_id, movement_id, amount, bucket, balance_after, available_after, type, status, title, created_at)
       SELECT $1, gen_random_uuid(), CASE WHEN n % 2 = 1 THEN 1000 ELSE -400 END, 'AVAILABLE',
              (n / 2) * 600 + CASE WHEN n % 2 = 1 THEN 1000 ELSE 0 END,
              (n / 2) * 600 + CASE WHEN n % 2 = 1 THEN 1000 ELSE 0 END,
              CASE WHEN n % 2 = 1 THEN 'DEPOSIT'::"LedgerType" ELSE 'WITHDRAWAL'::"LedgerType" END, 'AVAILABLE', 'Bench',
              timestamptz '2026-01-01' + n * interval '1 second'
       FROM generate_series(1, $2::int) AS n`,
      [child.walletId, perChild],
    );
    await s.query("UPDATE wallets SET available = (SELECT sum(amount) FROM ledger_entries WHERE wallet_id = $1) WHERE id = $1", [
      child.walletId,
    ]);
    // The daily rollups the services maintain on write.
    await s.query(
      `INSERT INTO ledger_daily_rollups (wallet_id, day, type, with_payment_method, entry_count, amount_sum, fee_sum)
       SELECT wallet_id, (created_at AT TIME ZONE 'UTC')::date, type, payment_method_id IS NOT NULL, count(*), sum(amount), sum(fee)
       FROM ledger_entries WHERE wallet_id = $1 AND visible GROUP BY 1, 2, 3, 4`,
      [child.walletId],
    );
  }
  await s.query("ANALYZE");
});
process.stderr.write(`inserted ${perChild * children.length} entries in ${Math.round(performance.now() - t)} ms\n`);

const server = http.createServer(createApp({ db, logger }));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const get = (query: string) =>
  fetch(`${base}/api/stats/transactions${query}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());

const measurePage = (name: string, query: string) => measure(name, () => get(query), { requests, warmup: 5 });

process.stdout.write(
  `GET /api/stats/transactions, master + 10 children, ${(perChild * 10).toLocaleString("en")} entries, PostgreSQL\n`,
);
await measurePage("page 1 (10 rows) + sums over everything", "");
await measurePage("page 500 (10 rows) + sums over everything", "?page=500");
await measurePage(
  "page 1, one child, one month, + sums",
  `?child_organization_id=${children[3]!.id}&start_date=01/01/2026&end_date=01/31/2026`,
);
await measurePage("page 1, type filter and name search, + sums", "?transaction_type=withdrawal&search=org%207");
const sample = (await get("?page=500")) as { meta: unknown; additional_data: { amount_sum: number } };
process.stdout.write(`check: meta=${JSON.stringify(sample.meta)} amount_sum=${sample.additional_data.amount_sum}\n`);
server.close();
await db.close();
