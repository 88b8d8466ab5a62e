// The write path against the database's own speed, in one run (issue 21). On PostgreSQL (DATABASE_URL):
//  1. makes BENCH_CREATORS creators (200) and a SERVICE account, and pgbench's tables (scale
//     BENCH_PGBENCH_SCALE, 16) in the same database (dropped again at the end);
//  2. starts the gateway the way `npm start` runs it, with its default settings but one: a SERVICE
//     rate-limit tier wide enough for a benchmark (RATE_LIMIT_SERVICE_PER_MINUTE/HOUR);
//  3. at c=1, 16 and 64, interleaved, BENCH_ROUNDS (3) rounds: `pgbench -b tpcb-like`, `recordSale`
//     (one sale per request, a random creator, a unique externalId) and `recordSales` (100 per call);
//  4. prints movements/s, p50/p99, CPU per movement of the gateway and of PostgreSQL (from /proc),
//     statements per movement (counted in process on the same code path, and transactions per movement
//     as PostgreSQL counted them during the run), and the ratios to pgbench and single sales.
// Run:  DATABASE_URL=postgres://... npm run bench:writes   (BENCH_SECONDS=8 per run, BENCH_LEVELS=1,16,64)
import { randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { createApp } from "../src/app.ts";
import { DEFAULT_LIMITS, type LimitsConfig } from "../src/limits/limits-config.ts";
import { createLogger } from "../src/logger.ts";
import { buildServer, SERVER_BUNDLE } from "../scripts/build.mjs";
import { childEnv } from "../test/helpers/processes.ts";
import { spawn } from "node:child_process";
import { cpuMs, postmasterOf, rssMb } from "./load.ts";
import { openBench } from "./setup.ts";

const exec = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,16,64").split(",").map(Number);
const CREATORS = Number(process.env.BENCH_CREATORS ?? 200);
const SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? 16);
const BATCH = 100;
/** The one setting changed from the defaults: the SERVICE tier (default 600 a minute) would cap the run. */
const WIDE_SERVICE_TIER = { RATE_LIMIT_SERVICE_PER_MINUTE: "1000000000", RATE_LIMIT_SERVICE_PER_HOUR: "1000000000" };

const { url: databaseUrl, db, account } = await openBench(4);
const work = mkdtempSync(path.join(tmpdir(), "bench-writes-"));

process.stderr.write(`creating ${CREATORS} creators and a service account...\n`);
const service = await account("writes-service", "SERVICE");
const creators: number[] = [];
for (let i = 0; i < CREATORS; i++) {
  creators.push((await account(`writes-${i}`)).id);
  if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${CREATORS}\n`);
}
const anyCreator = () => creators[Math.floor(Math.random() * creators.length)]!;

process.stderr.write(`pgbench -i -s ${SCALE} (its tables in the same database, dropped at the end)...\n`);
await exec("pgbench", ["-i", "-q", "-s", String(SCALE), "-I", "dtGvp", databaseUrl]);

const postmaster = await postmasterOf(db);
const commits = async () => {
  const [row] = await db.prisma.$queryRaw<{ n: bigint }[]>`
    SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`;
  return Number(row!.n);
};

await buildServer();
const port = 40_000 + Math.floor(Math.random() * 20_000);
const logFile = path.join(work, "gateway.log");
const gateway = spawn(process.execPath, [SERVER_BUNDLE], {
  env: childEnv({ DATABASE_URL: databaseUrl, HOST: "127.0.0.1", PORT: String(port), ...WIDE_SERVICE_TIER }),
  // Logging as configured by default (info: one line per request), written where an operator's collector would read it.
  stdio: ["ignore", openSync(logFile, "w"), openSync(path.join(work, "gateway.err"), "w")],
});
const base = `http://127.0.0.1:${port}`;
for (let ready = false; !ready;) {
  if (gateway.exitCode !== null) throw new Error(`gateway exited: ${readFileSync(path.join(work, "gateway.err"), "utf8")}`);
  ready = await fetch(`${base}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
  if (!ready) await new Promise((r) => setTimeout(r, 50));
}

const SALE = "mutation($i: RecordSaleInput!) { recordSale(input: $i) { __typename ... on RecordSalePayload { sale { uuid } } } }";
const SALES = `mutation($i: RecordSalesInput!) { recordSales(input: $i) { __typename
  ... on RecordSalesPayload { results { __typename ... on RecordSalePayload { sale { uuid } } } } } }`;
const sale = (accountId = anyCreator()) => ({
  accountId,
  amount: 1 + Math.floor(Math.random() * 5000),
  externalId: randomUUID(),
});
const bodies = {
  single: (accountId?: number) => JSON.stringify({ query: SALE, variables: { i: sale(accountId) } }),
  batch: (accountId?: number) =>
    JSON.stringify({ query: SALES, variables: { i: { sales: Array.from({ length: BATCH }, () => sale(accountId)) } } }),
};
const batchesExist = await fetch(`${base}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${service.token}` },
  body: bodies.batch(),
}).then(async (r) => JSON.stringify(await r.json()).includes("RecordSalesPayload"));
if (!batchesExist) process.stderr.write("this gateway has no recordSales: batches are left out\n");

type Row = {
  what: string;
  c: number;
  round?: number;
  perSecond: number;
  p50: number;
  p99: number;
  gatewayCpu: number;
  pgCpu: number;
  xacts: number;
  errors: number;
  /** Sales a batch answered BusyError (not written: the service retries them). */
  busy: number;
  rss: number;
};
const rows: Row[] = [];

async function drive(kind: "single" | "batch", c: number, seconds: number): Promise<Row> {
  let acknowledged = 0;
  let busy = 0;
  const [g0, p0, x0] = [cpuMs(gateway.pid!), cpuMs(postmaster), await commits()];
  let rss = rssMb(gateway.pid!);
  const sampler = setInterval(() => (rss = Math.max(rss, rssMb(gateway.pid!))), 500);
  const result = await autocannon({
    url: `${base}/graphql`,
    connections: c,
    duration: seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => ({
          ...req,
          body: bodies[kind](),
          headers: { "content-type": "application/json", authorization: `Bearer ${service.token}` },
        }),
        // Movements written: sales the answer acknowledges (a 409, or a batch item answered BusyError, wrote nothing).
        onResponse: (status: number, body: string) => {
          if (status !== 200) return;
          acknowledged += body.split('"__typename":"RecordSalePayload"').length - 1;
          busy += body.split('"__typename":"BusyError"').length - 1;
        },
      },
    ],
  });
  clearInterval(sampler);
  const movements = acknowledged;
  const [g1, p1, x1] = [cpuMs(gateway.pid!), cpuMs(postmaster), await commits()];
  return {
    what: kind === "single" ? "recordSale" : `recordSales (${BATCH} per call)`,
    c,
    perSecond: movements / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    gatewayCpu: (g1 - g0) / movements,
    pgCpu: (p1 - p0) / movements,
    xacts: (x1 - x0) / movements,
    errors: result.errors + result.non2xx,
    busy,
    rss,
  };
}

async function pgbench(c: number, seconds: number): Promise<Row> {
  const logDir = mkdtempSync(path.join(work, "pgbench-"));
  const [p0, x0] = [cpuMs(postmaster), await commits()];
  const { stdout } = await exec("pgbench", [
    "-b",
    "tpcb-like",
    "-n",
    "-c",
    String(c),
    "-j",
    "1",
    "-T",
    String(seconds),
    "-l",
    `--log-prefix=${logDir}/tx`,
    databaseUrl,
  ]);
  const [p1, x1] = [cpuMs(postmaster), await commits()];
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  // Per-transaction log lines: client, transaction, latency (us), script, epoch, us.
  const latencies = readdirSync(logDir)
    .flatMap((f) => readFileSync(path.join(logDir, f), "utf8").trim().split("\n"))
    .map((line) => Number(line.split(" ")[2]) / 1000)
    .sort((a, b) => a - b);
  rmSync(logDir, { recursive: true, force: true });
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const transactions = latencies.length;
  return {
    what: "pgbench tpcb-like",
    c,
    perSecond: tps,
    p50: Math.round(q(0.5)),
    p99: Math.round(q(0.99)),
    gatewayCpu: 0,
    pgCpu: (p1 - p0) / transactions,
    xacts: (x1 - x0) / transactions,
    errors: 0,
    busy: 0,
    rss: 0,
  };
}

process.stderr.write("warming up...\n");
await pgbench(4, WARMUP_SECONDS);
await drive("single", 16, WARMUP_SECONDS);
if (batchesExist) await drive("batch", 4, WARMUP_SECONDS);

for (const c of LEVELS) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of [
      () => pgbench(c, SECONDS),
      () => drive("single", c, SECONDS),
      ...(batchesExist ? [() => drive("batch", c, SECONDS)] : []),
    ]) {
      const row = { ...(await run()), round };
      rows.push(row);
      process.stderr.write(`  c=${c} round ${round + 1}: ${row.what}: ${Math.round(row.perSecond)}/s\n`);
    }
  }
}

gateway.kill("SIGTERM");
await new Promise((r) => gateway.once("exit", r));

// Statements per movement, counted in process on the same code path (the gateway's defaults, the wide SERVICE tier).
const limits: LimitsConfig = {
  ...DEFAULT_LIMITS,
  rate: { ...DEFAULT_LIMITS.rate, service: { perMinute: 1_000_000_000, perHour: 1_000_000_000 } },
};
const app = createApp({ db, logger: createLogger("silent"), config: { limits } });
/** One creator's sales: the first request makes the process know its wallet (as the gateway knows all 200 after a second). */
const statementsOf = async (body: (accountId?: number) => string, per: number) => {
  const request = () =>
    new Request("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${service.token}` },
      body: body(creators[0]),
    });
  await app.fetch(request());
  const { statements } = await db.statements.capture(async () => app.fetch(request()));
  return statements.length / per;
};
const statements = {
  recordSale: await statementsOf(bodies.single, 1),
  ...(batchesExist ? { recordSales: await statementsOf(bodies.batch, BATCH) } : {}),
};

await exec("pgbench", ["-i", "-I", "d", databaseUrl]);
await db.close();
rmSync(work, { recursive: true, force: true });

/** The middle value (an even count: the run nearest the mean of the middle two, so its p50/p99 go with it). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s.reduce((best, x) => (Math.abs(x - mid) < Math.abs(best - mid) ? x : best), s[0]!);
};
const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const out = [
  `Run ${new Date().toISOString()}: ${CREATORS} creators, ${SECONDS} s per run, ${ROUNDS} interleaved rounds (medians; ` +
    `"vs pgbench" is each round's ratio to the pgbench run of the same round), pgbench scale ${SCALE}, the gateway's defaults ` +
    "with a wide SERVICE tier.",
  "",
  "| c | what | movements/s | vs pgbench (per round) | p50 ms | p99 ms | gateway CPU ms/movement | PostgreSQL CPU ms/movement | transactions/movement | failed calls / busy sales | RSS MB |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
];
const perRound = (at: Row[], what: (r: Row) => boolean, base: (r: Row) => boolean) =>
  [...new Set(at.map((r) => r.round))].map((round) => {
    const mine = at.find((r) => r.round === round && what(r))!;
    return mine.perSecond / at.find((r) => r.round === round && base(r))!.perSecond;
  });
for (const c of LEVELS) {
  const at = rows.filter((r) => r.c === c);
  for (const what of [...new Set(at.map((r) => r.what))]) {
    const mine = at.filter((r) => r.what === what);
    const perSecond = median(mine.map((r) => r.perSecond));
    const m = mine.find((r) => r.perSecond === perSecond)!;
    const ratios = perRound(
      at,
      (r) => r.what === what,
      (r) => r.what.startsWith("pgbench"),
    );
    out.push(
      `| ${c} | ${what} | ${fmt(perSecond)} | ${ratios.map((x) => fmt(x, 2)).join(" / ")} | ${m.p50} | ${m.p99} | ${m.gatewayCpu ? fmt(m.gatewayCpu, 3) : "-"} | ${fmt(m.pgCpu, 3)} | ${fmt(m.xacts, 2)} | ${mine.reduce((s, r) => s + r.errors, 0)} / ${mine.reduce((s, r) => s + r.busy, 0)} | ${m.rss ? fmt(Math.max(...mine.map((r) => r.rss))) : "-"} |`,
    );
  }
  if (batchesExist) {
    const ratios = perRound(
      at,
      (r) => r.what.startsWith("recordSales"),
      (r) => r.what === "recordSale",
    );
    out.push(`| ${c} | batch / single (per round) | ${ratios.map((x) => `${fmt(x, 1)}x`).join(" / ")} | | | | | | | | |`);
  }
}
out.push(
  "",
  `Statements per movement (in process, same code path): ${Object.entries(statements)
    .map(([k, v]) => `${k} ${fmt(v, 2)}`)
    .join(", ")}.`,
);
process.stdout.write(`${out.join("\n")}\n`);
