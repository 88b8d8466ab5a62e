// The hot read path against a raw baseline, in one run (issue 14). On PostgreSQL (DATABASE_URL):
//  1. loads 2,000 creators x 100 entries + one wallet of 1,000,000 (once per database, in bulk);
//  2. starts the raw baseline (bench/raw-server.mjs: node:http + pg, one SQL) and the gateway the
//     way `npm start` runs it, each a process of its own, the gateway with its defaults (rate limits
//     on, info logging) but a read tier wide enough for the run;
//  3. asks each the same question (the viewer's buckets + 20 newest visible entries + has-next,
//     a random creator per request) at c=1, 10 and 32, servers interleaved: req/s, p50/p99, CPU
//     per request and RSS of each server process, SQL statements per request;
//  4. the 1M-entry wallet against a 100-entry one, and a page 900,000 deep against page 1;
//  5. start-up to /readyz on PostgreSQL, and an embedded (PGlite) fresh start and restart.
// Run:  DATABASE_URL=postgres://... npm run bench   (BENCH_SECONDS=10 per run by default;
//       BENCH_QUICK=1: c=10 only, one round, no ledger-size, depth or start-up figures: for trying a lever)
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp } from "../src/app.ts";
import { DEFAULT_LIMITS } from "../src/limits/limits-config.ts";
import { createLogger } from "../src/logger.ts";
import { cursorKey, encodeCursor, filterFingerprint } from "../src/modules/ledger/cursor.ts";
import { normalise } from "../src/modules/ledger/ledger-query.ts";
import { childEnv, type Running, run, waitFor } from "../test/helpers/processes.ts";
import { buildServer } from "../scripts/build.mjs";
import { loadDataset } from "./dataset.ts";
import { drive, type LoadResult, postmasterOf, rssMb, type Target } from "./load.ts";
import { LEGACY, QUERY, STUDIO } from "./paths.ts";
import { openBench } from "./setup.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SHORT = Math.max(3, Math.round(SECONDS / 2));
const QUICK = process.env.BENCH_QUICK === "1";
const LEVELS = QUICK ? [10] : [1, 10, 32];
const DEPTH = 900_000;
const { url: databaseUrl, db } = await openBench(4);
const data = await loadDataset(db);
const anyToken = () => data.tokens[Math.floor(Math.random() * data.tokens.length)]!;

const DEEP_QUERY = (after: string) =>
  QUERY.replace("transactions(first: 20)", `transactions(first: 20, after: ${JSON.stringify(after)})`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** `npm start`'s command, run without npm in between (so a signal reaches the server itself). */
const START = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start.split(" ");
const START_BIN =
  START[0] === "node"
    ? process.execPath
    : existsSync(`node_modules/.bin/${START[0]}`)
      ? `node_modules/.bin/${START[0]}`
      : START[0]!;
await buildServer(); // what prestart does

/** Starts the gateway as `npm start` does; answers its URL and the ms from spawn to a 200 on /readyz. */
async function startGateway(env: Record<string, string>): Promise<{ process: Running; url: string; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const process_ = run(
    START_BIN,
    START.slice(1),
    // The defaults users run (limits on, info logging), with one change: a read tier wide enough for
    // the run (one token asks hundreds of times a second in the flatness rounds).
    childEnv({
      HOST: "127.0.0.1",
      PORT: String(port),
      RATE_LIMIT_READ_PER_MINUTE: "1000000000",
      RATE_LIMIT_READ_PER_HOUR: "1000000000",
      ...env,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (process_.child.exitCode !== null) throw new Error(`gateway exited: ${process_.stderr()}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { process: process_, url, readyMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 10));
  }
}
const stop = async (p: Running) => {
  p.child.kill("SIGTERM");
  await p.exited;
};

process.stderr.write("starting the raw baseline and the gateway...\n");
const raw = run("node", ["bench/raw-server.mjs"], { ...process.env, DATABASE_URL: databaseUrl, DB_POOL_MAX: "10" });
const [, rawUrl] = await waitFor(raw, /listening (\S+)/);
const gateway = await startGateway({ DATABASE_URL: databaseUrl, DB_POOL_MAX: "10" });

const postmaster = await postmasterOf(db);
const targets = (token: () => string, after: { graphql?: string; page?: number; studio?: string } = {}): Target[] => [
  { name: "raw node:http + pg", pid: raw.child.pid!, postmaster, url: `${rawUrl}/`, method: "GET", token },
  {
    name: "gateway GraphQL",
    pid: gateway.process.child.pid!,
    postmaster,
    url: `${gateway.url}/graphql`,
    method: "POST",
    body: JSON.stringify({ query: after.graphql ? DEEP_QUERY(after.graphql) : QUERY }),
    token,
  },
  {
    name: "gateway legacy /api/wallet",
    pid: gateway.process.child.pid!,
    postmaster,
    url: `${gateway.url}${LEGACY}${after.page ? `&page=${after.page}` : ""}`,
    method: "GET",
    token,
  },
  {
    name: "gateway Studio feed",
    pid: gateway.process.child.pid!,
    postmaster,
    url: `${gateway.url}${STUDIO}${after.studio ? `&after=${encodeURIComponent(after.studio)}` : ""}`,
    method: "GET",
    token,
  },
];

// Warm both servers up (caches, JIT, prepared statements).
for (const t of targets(anyToken)) await drive(t, 10, 2);

const results: LoadResult[] = [];
for (const connections of LEVELS) {
  const rounds = connections === 10 && !QUICK ? 3 : 1;
  for (let round = 0; round < rounds; round++) {
    for (const t of targets(anyToken)) {
      const r = await drive(t, connections, SECONDS);
      results.push(r);
      process.stderr.write(`  c=${connections} ${t.name}: ${Math.round(r.rps)} req/s\n`);
    }
  }
}

// Statements per request, counted in process on the same database (the same code path).
const app = createApp({
  db,
  logger: createLogger("silent"),
  config: { limits: { ...DEFAULT_LIMITS, rate: { ...DEFAULT_LIMITS.rate, read: { perMinute: 1e9, perHour: 1e9 } } } },
});
const statementsOf = async (request: () => Request) => {
  await app.fetch(request());
  return (await db.statements.capture(async () => app.fetch(request()))).statements.length;
};
const auth = { authorization: `Bearer ${data.tokens[0]}` };
const statements: Record<string, number> = {
  "raw node:http + pg": 1,
  "gateway GraphQL": await statementsOf(
    () =>
      new Request("http://bench/graphql", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ query: QUERY }),
      }),
  ),
  "gateway legacy /api/wallet": await statementsOf(() => new Request(`http://bench${LEGACY}`, { headers: auth })),
  "gateway Studio feed": await statementsOf(() => new Request(`http://bench${STUDIO}`, { headers: auth })),
};

// Flat in ledger size: the 1M-entry wallet against a 100-entry one, c=1.
const small = () => data.tokens[0]!;
const deep = () => data.deepToken;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Two targets alternated three times at c=1 (the machine is shared: alternating evens out its noise); median req/s of each. */
async function pair(a: Target, b: Target): Promise<[number, number]> {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let round = 0; round < 3; round++) {
    ra.push((await drive(a, 1, SHORT)).rps);
    rb.push((await drive(b, 1, SHORT)).rps);
  }
  return [median(ra), median(rb)];
}
const flatness: { name: string; small: number; large: number }[] = [];
for (const [i, t] of QUICK ? [] : targets(small).entries()) {
  const [smallRps, largeRps] = await pair(t, targets(deep)[i]!);
  flatness.push({ name: t.name, small: smallRps, large: largeRps });
}

// Flat in depth: a page 900,000 entries deep against page 1 of the same wallet, c=1.
const key = await cursorKey(db.prisma);
const [at] = await db.prisma.$queryRaw<{ createdAt: Date; id: number }[]>`
  SELECT created_at AS "createdAt", id FROM ledger_entries WHERE wallet_id = ${data.deepWalletId} AND visible
  ORDER BY created_at DESC, id DESC OFFSET ${DEPTH - 1} LIMIT 1`;
const cursorFor = (filter: object) =>
  encodeCursor(key, "DATE_DESC", filterFingerprint({ walletId: data.deepWalletId, filter: normalise(filter) }), at!);
const deepPages = targets(deep, {
  graphql: cursorFor({}),
  page: DEPTH / 20 + 1,
  studio: cursorFor({ buckets: ["AVAILABLE"], uuid: null, from: null, to: null }),
});
const depth: { name: string; first: number; deep: number }[] = [];
for (const [i, t] of QUICK ? [] : targets(deep).entries()) {
  const [firstRps, deepRps] = await pair(t, deepPages[i]!);
  depth.push({ name: t.name, first: firstRps, deep: deepRps });
}

const idleRss = rssMb(gateway.process.child.pid!);
await stop(gateway.process);
await stop(raw);

// Start-up: PostgreSQL (again, for a second figure), embedded fresh and restart.
const startUp = QUICK ? null : await measureStartUp();
async function measureStartUp() {
  const pgStart = await startGateway({ DATABASE_URL: databaseUrl });
  await stop(pgStart.process);
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-embedded-"));
  const fresh = await startGateway({ DATA_DIR: dataDir, LOAD_DEMO_DATA: "false" });
  await stop(fresh.process);
  const restart = await startGateway({ DATA_DIR: dataDir, LOAD_DEMO_DATA: "false" });
  const embeddedIdleRss = rssMb(restart.process.child.pid!);
  await stop(restart.process);
  rmSync(dataDir, { recursive: true, force: true });
  return { pg: pgStart.readyMs, fresh: fresh.readyMs, restart: restart.readyMs, embeddedIdleRss };
}
await db.close();

// The report.
const out: string[] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
out.push(
  `Run ${new Date().toISOString()}, ${SECONDS} s per run ${QUICK ? "(quick: c=10, one round)" : "(c=10: median of 3 interleaved rounds)"}, PostgreSQL, pool 10 each.`,
  "",
);
out.push(
  "| c | server | req/s | vs raw | p50 ms | p99 ms | CPU ms/req | PostgreSQL CPU ms/req | SQL/req | RSS MB | errors |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
);
for (const connections of LEVELS) {
  const at = results.filter((r) => r.connections === connections);
  const rawRps = median(at.filter((r) => r.name.startsWith("raw")).map((r) => r.rps));
  for (const name of [...new Set(at.map((r) => r.name))]) {
    const mine = at.filter((r) => r.name === name);
    const rps = median(mine.map((r) => r.rps));
    const m = mine.find((r) => r.rps === rps)!;
    out.push(
      `| ${connections} | ${name} | ${fmt(rps)} | ${fmt(rps / rawRps, 2)} | ${m.p50} | ${m.p99} | ${fmt(m.cpuPerRequestMs, 2)} | ${fmt(m.postgresCpuPerRequestMs, 2)} | ${statements[name]} | ${fmt(Math.max(...mine.map((r) => r.rssMb)))} | ${mine.reduce((s, r) => s + r.errors, 0)} |`,
    );
  }
}
if (startUp) {
  out.push(
    "",
    "| c=1 (median of 3 alternations) | 100 entries req/s | 1M entries req/s | cost 1M / 100 | page 1 req/s | page at 900k req/s | cost 900k / page 1 |",
    "|---|---|---|---|---|---|---|",
  );
  for (const [i, f] of flatness.entries()) {
    const d = depth[i]!;
    out.push(
      `| ${f.name} | ${fmt(f.small)} | ${fmt(f.large)} | ${fmt(f.small / f.large, 2)} | ${fmt(d.first)} | ${fmt(d.deep)} | ${fmt(d.first / d.deep, 2)} |`,
    );
  }
  out.push(
    "",
    `Start-up to /readyz: PostgreSQL ${fmt(gateway.readyMs)} ms and ${fmt(startUp.pg)} ms; embedded fresh ${fmt(startUp.fresh)} ms, restart ${fmt(startUp.restart)} ms.`,
    `Idle RSS after the load: PostgreSQL ${fmt(idleRss)} MB; embedded (empty) ${fmt(startUp.embeddedIdleRss)} MB.`,
  );
}
process.stdout.write(`${out.join("\n")}\n`);
