// Ledger page latency vs depth: one wallet with 1,000,000 entries on PostgreSQL; median
// latency of the first page and of a page 10,000 entries deep, over HTTP (GraphQL and the
// Studio REST feed). Run by hand:
//   DATABASE_URL=postgres://... npx tsx bench/ledger-depth.ts [entries=1000000] [requests=200]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app.ts";
import { measure } from "./measure.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/logger.ts";
import { createAccount } from "../src/modules/accounts/account.service.ts";
import { issueToken } from "../src/modules/accounts/token.service.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL: this benchmark runs on PostgreSQL");
const entries = Number(process.argv[2] ?? 1_000_000);
const requests = Number(process.argv[3] ?? 200);
const logger = createLogger("warn");
const db = await openDatabase({ kind: "postgres", url, poolMax: 10, connectTimeoutMs: 5000, statementTimeoutMs: 0 }, logger);
await migrate(db.pool);

const account = await createAccount(db.prisma, {
  email: `bench-${Date.now()}@bench.example`,
  displayName: "Bench",
  currency: "USD",
});
const { token } = await issueToken(db.prisma, { accountId: account.id });
let t = performance.now();
// +1 per entry, one per millisecond: balance_after is the running count, so reconcile holds.
await db.pool.withSession(async (s) => {
  await s.query(
    `INSERT INTO ledger_entries (wallet_id, movement_id, amount, bucket, balance_after, available_after, type, status, title, created_at)
     SELECT $1, gen_random_uuid(), 1, 'AVAILABLE', n, n, 'DEPOSIT', 'AVAILABLE', 'Deposit', timestamptz '2026-01-01' + n * interval '1 millisecond'
     FROM generate_series(1, $2::int) AS n`,
    [account.walletId, entries],
  );
  await s.query("UPDATE wallets SET available = $2 WHERE id = $1", [account.walletId, entries]);
  await s.query("ANALYZE ledger_entries");
});
process.stderr.write(`inserted ${entries} entries in ${Math.round(performance.now() - t)} ms\n`);

const server = http.createServer(createApp({ db, logger }));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
const QUERY = `query($after: String) { viewer { wallet { transactions(first: 50, after: $after) { ... on LedgerConnection {
  pageInfo { endCursor } nodes { id uuid amount balanceAfter type createdAt } } } } } }`;
const graphql = async (after: string | null) => {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: QUERY, variables: { after } }),
  });
  const body = (await res.json()) as {
    data: { viewer: { wallet: { transactions: { pageInfo: { endCursor: string }; nodes: unknown[] } } } };
  };
  return body.data.viewer.wallet.transactions;
};

// Walk 200 pages of 50 to reach a real cursor 10,000 entries deep.
t = performance.now();
let deep: string | null = null;
for (let i = 0; i < 10_000 / 50; i++) deep = (await graphql(deep)).pageInfo.endCursor;
process.stderr.write(`walked 10,000 entries deep in ${Math.round(performance.now() - t)} ms\n`);

process.stdout.write(`wallet with ${entries.toLocaleString("en")} ledger entries, PostgreSQL, GraphQL over HTTP, 50 per page\n`);
await measure("first page", () => graphql(null), { requests });
await measure("page 10,000 entries deep (after: cursor)", () => graphql(deep), { requests });
const studio = (after: string | null) =>
  fetch(`${base}/api/external/v1/account/wallet/transactions?limit=50${after ? `&after=${encodeURIComponent(after)}` : ""}`, {
    headers,
  }).then((r) => r.json());
let studioCursor: string | null = null;
for (let i = 0; i < 200; i++)
  studioCursor = ((await studio(studioCursor)) as { pagination: { next_cursor: string } }).pagination.next_cursor;
await measure("Studio REST feed, first page", () => studio(null), { requests });
await measure("Studio REST feed, 10,000 deep", () => studio(studioCursor), { requests });

server.close();
await db.close();
