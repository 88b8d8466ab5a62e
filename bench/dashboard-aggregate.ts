// Aggregate dashboard latency for a master with 10 children, with 0 and then 1,000,000
// ledger entries across the children, on PostgreSQL. Run by hand:
//   DATABASE_URL=postgres://... npx tsx bench/dashboard-aggregate.ts [entries=1000000] [requests=200]
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
const requests = Number(process.argv[3] ?? 200);
const logger = createLogger("warn");
const db = await openDatabase({ kind: "postgres", url, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 0 }, logger);
await migrate(db.pool);

const stamp = Date.now();
const master = await createAccount(db.prisma, {
  email: `agency-${stamp}@bench.example`,
  displayName: "Bench agency",
  currency: "USD",
});
const children: Awaited<ReturnType<typeof createAccount>>[] = [];
for (let i = 0; i < 10; i++) {
  const child = await createAccount(db.prisma, {
    email: `child-${i}-${stamp}@bench.example`,
    displayName: `Child ${i}`,
    currency: i % 2 ? "EUR" : "USD",
  });
  await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
  for (let p = 0; p < 20; p++) {
    await db.prisma.product.create({
      data: { accountId: child.id, title: `P${p}`, mediaComplete: true, price: 500n, linkClicks: BigInt(100 + p) },
    });
  }
  children.push(child);
}
const { token } = await issueToken(db.prisma, { accountId: master.id });

const server = http.createServer(createApp({ db, logger }));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const aggregate = () =>
  fetch(`${base}/api/dashboard/summary/aggregate`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  }).then((r) => r.json());

process.stdout.write("POST /api/dashboard/summary/aggregate, master + 10 children (5 USD, 5 EUR), 200 products, PostgreSQL\n");
await measure("0 ledger entries", aggregate, { requests });

// Sales as the services write them (hold, product counters, rollups), in bulk.
const t = performance.now();
const perChild = Math.floor(entries / children.length);
await db.pool.withSession(async (s) => {
  for (const child of children) {
    await s.query(
      `INSERT INTO ledger_entries (wallet_id, movement_id, amount, bucket, balance_after, hold_after, type, status, title, product_id, created_at)
       SELECT $1, gen_random_uuid(), 500, 'HOLD', n * 500, n * 500, 'SALE', 'PENDING', 'Unlock', p.id, timestamptz '2026-01-01' + n * interval '1 second'
       FROM generate_series(1, $2::int) AS n
       JOIN LATERAL (SELECT id FROM products WHERE account_id = $3 ORDER BY id OFFSET (n % 20) LIMIT 1) p ON true`,
      [child.walletId, perChild, child.id],
    );
    await s.query("UPDATE wallets SET hold = $2 WHERE id = $1", [child.walletId, perChild * 500]);
    await s.query(
      `UPDATE products p SET unlock_count = x.n, earnings = x.n * 500 FROM
       (SELECT product_id, count(*) AS n FROM ledger_entries WHERE wallet_id = $1 GROUP BY product_id) x WHERE p.id = x.product_id`,
      [child.walletId],
    );
    await s.query(
      `UPDATE dashboard_rollups SET unlocks = $2, product_revenue = $3, content_items = 20,
         link_clicks = (SELECT sum(link_clicks) FROM products WHERE account_id = $1) WHERE account_id = $1`,
      [child.id, perChild, perChild * 500],
    );
  }
  await s.query("ANALYZE");
});
process.stderr.write(`inserted ${perChild * children.length} entries in ${Math.round(performance.now() - t)} ms\n`);
await measure(`${(perChild * children.length).toLocaleString("en")} ledger entries`, aggregate, { requests });
const sample = (await aggregate()) as { data: { total_unlocks: number; currency_unified: boolean } };
process.stdout.write(`check: total_unlocks=${sample.data.total_unlocks}, currency_unified=${sample.data.currency_unified}\n`);

server.close();
await db.close();
