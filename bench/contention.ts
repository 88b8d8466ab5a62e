// Contention on PostgreSQL, against a real gateway process this script starts:
//  1. the 1,000-way cashout race on one wallet: status counts, payouts, reconcile;
//  2. the locked-wallet experiment: other accounts' latency (p50/p99) with no lock (the
//     baseline, same run), then while another session holds one wallet row for 20 s and that
//     wallet's owner keeps asking for cashouts.
// Run by hand:  DATABASE_URL=postgres://... npx tsx bench/contention.ts [race=1000] [lockSeconds=20]
import { randomUUID } from "node:crypto";
import pg from "pg";
import { reconcile } from "../src/modules/ledger/reconcile.ts";
import { openBench } from "./setup.ts";
import { childEnv, runServer, waitFor } from "../test/helpers/processes.ts";

const raceSize = Number(process.argv[2] ?? 1000);
const lockSeconds = Number(process.argv[3] ?? 20);
const OTHERS = 20;
const CONCURRENCY = 10;

const { url, db, account } = await openBench();
const service = await account("service", "SERVICE");
const hot = await account("hot");
const others = await Promise.all(Array.from({ length: OTHERS }, (_, i) => account(`other-${i}`)));

// The gateway under test, a process of its own (pool 10, default lock and queue waits); rate limits off:
// every request here comes from one address.
process.stderr.write("starting the gateway...\n");
const gateway = runServer(childEnv({ DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", RATE_LIMITS: "off" }));
const [, base] = await waitFor(gateway, /GraphiQL: (http:\/\/\S+)\/graphql/);

const post = (path: string, token: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const deposit = async (accountId: number, amount: number) => {
  const res = await post("/graphql", service.token, {
    query: "mutation($i: BalanceAdjustmentInput!) { recordDeposit(input: $i) { __typename } }",
    variables: { i: { accountId, amount, externalId: randomUUID() } },
  });
  if (res.status !== 200) throw new Error(`deposit failed: ${res.status}`);
};
const count = (statuses: number[]) =>
  Object.entries(statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))
    .map(([s, n]) => `${s} x ${n}`)
    .join(", ");

// 1. The race.
await deposit(hot.id, 123_456);
const raceStart = performance.now();
const race = await Promise.all(
  Array.from({ length: raceSize }, () => post("/api/wallet/cashout", hot.token).then((r) => r.status)),
);
const payouts = await db.prisma.payout.findMany({ where: { wallet: { accountId: hot.id } }, select: { amount: true } });
const report = await reconcile(db.prisma, {
  walletIds: [(await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: hot.id } })).id],
});
const clean = report.mismatches.length === 0 && report.rollupMismatches.length === 0;
process.stdout.write(
  `\n${raceSize} concurrent cashouts on one wallet: ${count(race)} in ${Math.round(performance.now() - raceStart)} ms\n` +
    `  payouts: ${payouts.map((p) => p.amount).join(", ")}; 5xx: ${race.filter((s) => s >= 500).length}; reconcile: ${clean ? "clean" : "MISMATCH"}\n`,
);

// 2. Other accounts' latency: a closed loop of CONCURRENCY workers, each a wallet read then a
//    deposit + cashout of one of the other accounts.
for (const o of others) await deposit(o.id, 1_000_000);
async function otherTraffic(ms: number): Promise<{ latencies: number[]; statuses: number[] }> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        const me = others[(w + i * CONCURRENCY) % OTHERS]!;
        const t = performance.now();
        const res =
          i % 2 === 0
            ? await fetch(`${base}/api/wallet?limit=20`, { headers: { authorization: `Bearer ${me.token}` } })
            : await post("/api/wallet/cashout", me.token, undefined);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        statuses.push(res.status);
        if (i % 2 === 1) await deposit(me.id, 100);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), statuses };
}
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const line = (name: string, r: { latencies: number[]; statuses: number[] }) =>
  `${name.padEnd(34)} ${String(r.latencies.length).padStart(6)} requests  p50 ${pct(r.latencies, 0.5).toFixed(1)} ms  p99 ${pct(r.latencies, 0.99).toFixed(1)} ms  statuses: ${count(r.statuses)}\n`;

await otherTraffic(2_000); // warm-up
const baseline = await otherTraffic(lockSeconds * 1000);
process.stdout.write(
  `\nother accounts' traffic, ${CONCURRENCY} concurrent, ${lockSeconds} s each:\n${line("baseline (no lock)", baseline)}`,
);

await deposit(hot.id, 5_000);
const hotWallet = await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: hot.id } });
const holder = new pg.Client({ connectionString: url });
await holder.connect();
await holder.query("BEGIN");
await holder.query("SELECT id FROM wallets WHERE id = $1 FOR UPDATE", [hotWallet.id]);
const hotStatuses: number[] = [];
const hotLatencies: number[] = [];
const lockedUntil = performance.now() + lockSeconds * 1000;
const hammer = Promise.all(
  Array.from({ length: 20 }, async () => {
    while (performance.now() < lockedUntil) {
      const t = performance.now();
      hotStatuses.push((await post("/api/wallet/cashout", hot.token)).status);
      hotLatencies.push(performance.now() - t);
    }
  }),
);
const during = await otherTraffic(lockSeconds * 1000);
await hammer;
await holder.query("ROLLBACK");
await holder.end();
hotLatencies.sort((a, b) => a - b);
const ready = await fetch(`${base}/readyz`);
process.stdout.write(
  line(`one wallet locked for ${lockSeconds} s`, during) +
    `  p99 ratio locked / baseline: ${(pct(during.latencies, 0.99) / pct(baseline.latencies, 0.99)).toFixed(2)}x\n` +
    `  the locked wallet's own cashouts (20 concurrent): ${count(hotStatuses)}, p50 ${pct(hotLatencies, 0.5).toFixed(0)} ms, p99 ${pct(hotLatencies, 0.99).toFixed(0)} ms\n` +
    `  /readyz after: ${ready.status}; 5xx during the lock: ${[...during.statuses, ...hotStatuses].filter((s) => s >= 500).length}\n`,
);

gateway.child.kill("SIGTERM");
await gateway.exited;
await db.close();
