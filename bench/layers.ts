// What each layer of the gateway costs per request, in CPU microseconds of the gateway's own
// process (issue 22). On PostgreSQL (DATABASE_URL): the bench's question (a creator's buckets + 20
// newest entries + has-next) asked of the full gateway (its defaults: limits on, a read tier wide
// enough not to refuse, info logging to a file) and of the same gateway with one layer left out,
// variants alternated BENCH_ROUNDS times (5), BENCH_REQUESTS each (2,000):
//  - in process: `app.fetch` (no sockets), one request after another;
//  - over HTTP: the app on a node:http server of this process, driven at c=10 by autocannon in a
//    child process (its CPU is not counted).
// The REST runner's cost is the legacy path's (`GET /api/wallet?limit=20`, the same question)
// against GraphQL's. Prints median and spread per variant, and the median of each round's
// difference to the full gateway.
// Run:  DATABASE_URL=postgres://... npm run bench:layers
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type App, createApp, LAYERS, type Layer } from "../src/app.ts";
import { DEFAULT_LIMITS, type LimitsConfig } from "../src/limits/limits-config.ts";
import { createLogger } from "../src/logger.ts";
import { adjustBalance } from "../src/modules/wallet/adjustment.service.ts";
import { LEGACY, QUERY } from "./paths.ts";
import { openBench } from "./setup.ts";

const exec = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
/** BENCH_HTTP=off: in process only (half the run; HTTP adds the sockets' noise to every variant alike). */
const HTTP = process.env.BENCH_HTTP !== "off";

const { db, account } = await openBench(10);
const service = await account("layers-service", "SERVICE");
const creator = await account("layers-creator");
for (let i = 0; i < 30; i++)
  await adjustBalance(db, service.id, "DEPOSIT", { accountId: creator.id, amount: 100 + i, externalId: randomUUID() });

// The defaults, with a read tier that admits the whole run (the limiter still counts every request).
const limits: LimitsConfig = { ...DEFAULT_LIMITS, rate: { ...DEFAULT_LIMITS.rate, read: { perMinute: 1e9, perHour: 1e9 } } };
const work = mkdtempSync(path.join(tmpdir(), "bench-layers-"));
// Info logging, written where an operator's collector would read it (a file, not this terminal).
const logger = createLogger("info", createWriteStream(path.join(work, "gateway.log")));
const token = await db.prisma.apiToken.findFirstOrThrow({ where: { accountId: creator.id } });
const viewer = { accountId: creator.id, tokenId: token.id, role: token.role };

type Variant = { name: string; app: App; path: "graphql" | "legacy" };
const appWithout = (layers: Layer[]) => createApp({ db, logger, config: { limits }, layersOff: { layers, viewer } });
const variants: Variant[] = [
  { name: "full gateway (GraphQL)", app: appWithout([]), path: "graphql" },
  ...LAYERS.map((l) => ({ name: `without ${l}`, app: appWithout([l]), path: "graphql" as const })),
  { name: "full gateway (legacy REST)", app: appWithout([]), path: "legacy" },
];

const request = (v: Variant, base = "http://bench") =>
  v.path === "graphql"
    ? new Request(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${creator.token}` },
        body: JSON.stringify({ query: QUERY }),
      })
    : new Request(`${base}${LEGACY}`, { headers: { authorization: `Bearer ${creator.token}` } });

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** CPU µs per request of this process, `REQUESTS` requests through app.fetch, one after another. */
async function inProcess(v: Variant): Promise<number> {
  const start = cpuMicros();
  for (let i = 0; i < REQUESTS; i++) {
    const res = await v.app.fetch(request(v));
    if (res.status !== 200) throw new Error(`${v.name}: ${res.status} ${await res.text()}`);
    await res.text();
  }
  return (cpuMicros() - start) / REQUESTS;
}

/** CPU µs per request of this process serving `REQUESTS` over HTTP at c=10 (autocannon in a child process). */
async function overHttp(v: Variant): Promise<number> {
  const server = http.createServer(v.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r = request(v, url);
  const args = ["-c", "10", "-a", String(REQUESTS), "-m", r.method, "-H", `authorization=Bearer ${creator.token}`, "-j"];
  if (v.path === "graphql") args.push("-H", "content-type=application/json", "-b", await r.text());
  const start = cpuMicros();
  const { stdout } = await exec("node_modules/.bin/autocannon", [...args, r.url], { maxBuffer: 1 << 24 });
  const used = cpuMicros() - start;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const result = JSON.parse(stdout) as { requests: { total: number }; non2xx: number };
  if (result.non2xx > 0) throw new Error(`${v.name}: ${result.non2xx} answers were not 2xx`);
  return used / result.requests.total;
}

process.stderr.write(`warming up ${variants.length} variants...\n`);
for (const v of variants) for (let i = 0; i < 200; i++) await (await v.app.fetch(request(v))).text();

const samples = new Map<string, { inProcess: number[]; http: number[] }>(
  variants.map((v) => [v.name, { inProcess: [], http: [] }]),
);
for (let round = 0; round < ROUNDS; round++) {
  // Rotated each round, so no variant always runs first or last.
  const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
  for (const v of order) {
    samples.get(v.name)!.inProcess.push(await inProcess(v));
    if (HTTP) samples.get(v.name)!.http.push(await overHttp(v));
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}
await db.close();
rmSync(work, { recursive: true, force: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const full = samples.get("full gateway (GraphQL)")!;
const out = [
  `Run ${new Date().toISOString()}: ${ROUNDS} rounds x ${REQUESTS} requests per variant, variants rotated each round; CPU µs per request of the gateway's process.`,
  "",
  "| variant | in process: median | spread | saved vs full (median of rounds) | HTTP c=10: median | spread | saved vs full (median of rounds) |",
  "|---|---|---|---|---|---|---|",
];
for (const v of variants) {
  const s = samples.get(v.name)!;
  const saved = (mine: number[], base: number[]) => (mine.length ? fmt(median(mine.map((x, i) => base[i]! - x))) : "-");
  const isFull = v.name === "full gateway (GraphQL)";
  out.push(
    `| ${v.name} | ${fmt(median(s.inProcess))} | ${fmt(Math.min(...s.inProcess))}-${fmt(Math.max(...s.inProcess))} | ${isFull ? "" : saved(s.inProcess, full.inProcess)} | ${HTTP ? fmt(median(s.http)) : "-"} | ${HTTP ? `${fmt(Math.min(...s.http))}-${fmt(Math.max(...s.http))}` : "-"} | ${isFull ? "" : saved(s.http, full.http)} |`,
  );
}
out.push("", "For the legacy REST row, a negative 'saved' is what the REST runner adds to the same question asked in GraphQL.");
process.stdout.write(`${out.join("\n")}\n`);
