// Reads through the topology of `npm run cluster` against one gateway on the primary alone, in one
// run on this machine (issue 23):
//  1. starts the cluster (a primary, a streaming standby, two gateways reading from it, nginx) and a
//     third gateway on the same primary without replicas, all with their defaults but wide rate
//     tiers; makes BENCH_CREATORS (200) creators with 20 deposits each;
//  2. BENCH_ROUNDS (3) alternated rounds of BENCH_SECONDS (10) at c=BENCH_CONNECTIONS (16): the
//     bench's question (buckets + 20 newest entries + has-next, a random creator) through nginx, and
//     of the lone gateway; req/s, p99, and CPU per request of the gateways and of each PostgreSQL;
//  3. the standby's lag under write load: deposits through nginx at c=8 for BENCH_SECONDS, the lag
//     every gateway reports on /readyz sampled every 50 ms, and the transactions the primary commits per deposit.
// Run: npx tsx bench/cluster.ts   (needs Debian's postgresql and nginx; removes the cluster at the end)
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ADDRESSES, down, postmasterPid, up, waitReady } from "../scripts/cluster.ts";
import { SERVER_BUNDLE } from "../scripts/build.mjs";
import { openDatabase } from "../src/db/database.ts";
import { createLogger } from "../src/logger.ts";
import { createAccount } from "../src/modules/accounts/account.service.ts";
import { issueToken } from "../src/modules/accounts/token.service.ts";
import { adjustBalance } from "../src/modules/wallet/adjustment.service.ts";
import { childEnv, run } from "../test/helpers/processes.ts";
import { cpuMs, drive, type LoadResult, type Target } from "./load.ts";
import { QUERY } from "./paths.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CREATORS = Number(process.env.BENCH_CREATORS ?? 200);
const WIDE = {
  RATE_LIMIT_READ_PER_MINUTE: "1000000000",
  RATE_LIMIT_READ_PER_HOUR: "1000000000",
  RATE_LIMIT_SERVICE_PER_MINUTE: "1000000000",
  RATE_LIMIT_SERVICE_PER_HOUR: "1000000000",
};
process.env.CLUSTER_GATEWAY_ENV = Object.entries(WIDE)
  .map(([k, v]) => `${k}=${v}`)
  .join(" ");
const say = (line: string) => process.stderr.write(`${line}\n`);

await down();
await up();
const gatewayPids = [1, 2].map((n) => Number(readFileSync(path.join(ADDRESSES.dir, `gateway-${n}.pid`), "utf8")));

const lonePort = Number(new URL(ADDRESSES.balancer).port) + 3;
const lone = run(
  process.execPath,
  [SERVER_BUNDLE],
  childEnv({ DATABASE_URL: ADDRESSES.primary, HOST: "127.0.0.1", PORT: String(lonePort), ...WIDE }),
);
const loneUrl = `http://127.0.0.1:${lonePort}`;
await waitReady(loneUrl);

say(`making ${CREATORS} creators with 20 deposits each...`);
const db = await openDatabase(
  { kind: "postgres", url: ADDRESSES.primary, poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 0 },
  createLogger("warn"),
);
const service = await createAccount(db.prisma, {
  email: `svc-${Date.now()}@bench.example`,
  displayName: "svc",
  currency: "USD",
  role: "SERVICE",
});
const serviceToken = (await issueToken(db.prisma, { accountId: service.id })).token;
const tokens: string[] = [];
const creatorIds: number[] = [];
for (let i = 0; i < CREATORS; i++) {
  const c = await createAccount(db.prisma, {
    email: `c${i}-${Date.now()}@bench.example`,
    displayName: `c${i}`,
    currency: "USD",
    role: "CREATOR",
  });
  tokens.push((await issueToken(db.prisma, { accountId: c.id })).token);
  creatorIds.push(c.id);
  for (let k = 0; k < 20; k++)
    await adjustBalance(db, service.id, "DEPOSIT", { accountId: c.id, amount: 100 + k, externalId: randomUUID() });
}

const token = () => tokens[Math.floor(Math.random() * tokens.length)]!;
const read = (name: string, url: string, pid: number): Target => ({
  name,
  pid,
  url: `${url}/graphql`,
  method: "POST",
  body: JSON.stringify({ query: QUERY }),
  token,
});
const targets = [
  read("nginx, 2 gateways, reads on the standby", ADDRESSES.balancer, gatewayPids[0]!),
  read("1 gateway on the primary alone", loneUrl, lone.child.pid!),
];
type Row = LoadResult & { gatewaysCpu: number; primaryCpu: number; standbyCpu: number };
const rows: Row[] = [];
for (const t of targets) await drive(t, CONNECTIONS, 2); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const t of targets) {
    const pids = t.name.startsWith("nginx") ? gatewayPids : [lone.child.pid!];
    const before = { g: pids.map(cpuMs), p: cpuMs(postmasterPid("primary")), s: cpuMs(postmasterPid("standby")) };
    const r = await drive(t, CONNECTIONS, SECONDS);
    const g = pids.map(cpuMs).reduce((a, b, i) => a + b - before.g[i]!, 0);
    rows.push({
      ...r,
      gatewaysCpu: g / r.requests,
      primaryCpu: (cpuMs(postmasterPid("primary")) - before.p) / r.requests,
      standbyCpu: (cpuMs(postmasterPid("standby")) - before.s) / r.requests,
    });
    say(`  round ${round + 1} ${t.name}: ${Math.round(r.rps)} req/s`);
  }
}

say("replica lag under write load...");
// The primary's committed transactions (each statement outside a transaction is one): a deposit's
// own, its consistency token's, and the background (replica polls, rate-limit sync) of the phase.
const committed = async () => {
  await new Promise((r) => setTimeout(r, 1_500)); // PostgreSQL publishes its statistics at most once a second
  const [row] = await db.query<{ n: string }>({
    text: "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()",
    values: [],
  });
  return Number(row!.n);
};
const committedBefore = await committed();
const lags: number[] = [];
let writing = true;
const sampler = (async () => {
  while (writing) {
    for (const g of ADDRESSES.gateways) {
      const state = (await (await fetch(`${g}/readyz`)).json()) as { replicas: { lagMs: number | null }[] };
      const lag = state.replicas[0]?.lagMs;
      if (typeof lag === "number") lags.push(lag);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const writes = await drive(
  {
    name: "deposits",
    pid: gatewayPids[0]!,
    url: `${ADDRESSES.balancer}/graphql`,
    method: "POST",
    bodyOf: () =>
      JSON.stringify({
        query: "mutation($i: BalanceAdjustmentInput!) { recordDeposit(input: $i) { __typename } }",
        variables: {
          i: { accountId: creatorIds[Math.floor(Math.random() * creatorIds.length)], amount: 1, externalId: randomUUID() },
        },
      }),
    token: () => serviceToken,
  },
  8,
  SECONDS,
);
writing = false;
await sampler;
const perDeposit = ((await committed()) - committedBefore) / writes.requests;
await db.close();

lone.child.kill("SIGTERM");
await lone.exited;
await down();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (n: number, d = 0) => n.toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d });
const out = [
  `Run ${new Date().toISOString()}: ${ROUNDS} alternated rounds of ${SECONDS} s at c=${CONNECTIONS}, ${CREATORS} creators x 20 entries; medians of the rounds.`,
  "",
  "| reads | req/s | vs 1 gateway | p99 ms | gateways' CPU ms/req | primary CPU ms/req | standby CPU ms/req | errors |",
  "|---|---|---|---|---|---|---|---|",
];
const lonely = median(rows.filter((r) => r.name === targets[1]!.name).map((r) => r.rps));
for (const t of targets) {
  const mine = rows.filter((r) => r.name === t.name);
  const rps = median(mine.map((r) => r.rps));
  out.push(
    `| ${t.name} | ${fmt(rps)} (${mine.map((r) => fmt(r.rps)).join(" / ")}) | ${fmt(rps / lonely, 2)} | ${median(mine.map((r) => r.p99))} | ${fmt(median(mine.map((r) => r.gatewaysCpu)), 2)} | ${fmt(median(mine.map((r) => r.primaryCpu)), 2)} | ${fmt(median(mine.map((r) => r.standbyCpu)), 2)} | ${mine.reduce((s, r) => s + r.errors, 0)} |`,
  );
}
out.push(
  "",
  `Replica lag under write load (deposits through nginx at c=8, ${fmt(writes.rps)} a second, ${writes.errors} errors): ` +
    `${lags.length} samples, p50 ${pct(lags, 0.5)} ms, p99 ${pct(lags, 0.99)} ms, max ${Math.max(...lags)} ms; ` +
    `${fmt(perDeposit, 2)} transactions committed on the primary per deposit (background work of the phase included).`,
);
process.stdout.write(`${out.join("\n")}\n`);
