// Where the gateway's CPU goes on one hot path: runs the production bundle with --cpu-prof,
// drives one target at c=10 and prints self time by package (node_modules/<name>, node: internals,
// or src/). Run: DATABASE_URL=postgres://... npx tsx bench/profile.ts [graphql|legacy|studio|sale] [seconds]
// (PROFILE_CALLERS=<function name>: also the stacks that call it). `sale` is bench:writes' recordSale
// (200 creators, a unique externalId each) with the gateway's defaults and a wide SERVICE tier.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SourceMap, type SourceMapPayload } from "node:module";
import { buildServer, SERVER_BUNDLE } from "../scripts/build.mjs";
import { childEnv, run } from "../test/helpers/processes.ts";
import { loadDataset } from "./dataset.ts";
import { drive } from "./load.ts";
import { openBench } from "./setup.ts";
import { BENCH_PATHS } from "./paths.ts";

const which = (process.argv[2] ?? "graphql") as keyof typeof BENCH_PATHS | "sale";
const seconds = Number(process.argv[3] ?? 10);
const { url: databaseUrl, db, account } = await openBench(2);
const writes = which === "sale";
const data = writes ? null : await loadDataset(db);
const service = writes ? await account("profile-service", "SERVICE") : null;
const creators: number[] = [];
for (let i = 0; writes && i < 200; i++) creators.push((await account(`profile-${i}`)).id);
await db.close();
await buildServer();
const dir = mkdtempSync(path.join(tmpdir(), "gateway-profile-"));
const port = 4100 + Math.floor(Math.random() * 500);
const server = run(
  process.execPath,
  ["--cpu-prof", `--cpu-prof-dir=${dir}`, "dist/server/server.js"],
  childEnv({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    ...(writes
      ? { RATE_LIMIT_SERVICE_PER_MINUTE: "1000000000", RATE_LIMIT_SERVICE_PER_HOUR: "1000000000" }
      : // The defaults users run (limits on, info logging), with a read tier wide enough for the run.
        { RATE_LIMIT_READ_PER_MINUTE: "1000000000", RATE_LIMIT_READ_PER_HOUR: "1000000000" }),
  }),
);
const base = `http://127.0.0.1:${port}`;
while (
  !(await fetch(`${base}/readyz`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await new Promise((r) => setTimeout(r, 50));
const SALE = "mutation($i: RecordSaleInput!) { recordSale(input: $i) { __typename ... on RecordSalePayload { sale { uuid } } } }";
const target = writes ? { path: "/graphql", method: "POST" as const, body: undefined } : BENCH_PATHS[which];
const t = {
  name: which,
  pid: server.child.pid!,
  url: `${base}${target.path}`,
  method: target.method,
  ...(target.body ? { body: target.body } : {}),
  ...(writes
    ? {
        bodyOf: () =>
          JSON.stringify({
            query: SALE,
            variables: { i: { accountId: creators[Math.floor(Math.random() * 200)], amount: 5, externalId: randomUUID() } },
          }),
      }
    : {}),
  token: () => (service ? service.token : data!.tokens[Math.floor(Math.random() * data!.tokens.length)]!),
};
await drive(t, 10, 2);
// V8 stamps samples with the system's monotonic clock, as hrtime does here: only the measured
// window counts (start-up and warm-up would otherwise fill the profile).
const windowStart = process.hrtime.bigint() / 1000n;
const r = await drive(t, 10, seconds);
const windowEnd = process.hrtime.bigint() / 1000n;
server.child.kill("SIGTERM");
await server.exited;

type Node = {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber: number; columnNumber: number };
  children?: number[];
};
const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!), "utf8")) as {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let at = BigInt(profile.startTime);
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += BigInt(delta);
  if (at >= windowStart && at <= windowEnd) self.set(id, (self.get(id) ?? 0) + delta);
});
// The bundle holds the dependencies too: its source map says which file a frame came from.
const bundleMap = new SourceMap(JSON.parse(readFileSync(`${SERVER_BUNDLE}.map`, "utf8")) as SourceMapPayload);
const originOf = (frame: Node["callFrame"]): string =>
  frame.url.endsWith("/dist/server/server.js")
    ? ((bundleMap.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string }).originalSource ?? frame.url)
    : frame.url;
const bucket = (frame: Node["callFrame"]): string => {
  const u = originOf(frame);
  const fn = frame.functionName;
  if (!u) return fn.startsWith("(") ? fn : "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (u.startsWith("node:")) return u;
  if (u.includes("/src/")) return `src/${u.split("/src/")[1]!}`;
  return u;
};
const totals = new Map<string, number>();
const functions = new Map<string, number>();
let all = 0;
for (const [id, us] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === "(idle)") continue;
  all += us;
  const b = bucket(n.callFrame);
  totals.set(b, (totals.get(b) ?? 0) + us);
  const f = `${b} ${n.callFrame.functionName || "(anonymous)"}`;
  functions.set(f, (functions.get(f) ?? 0) + us);
}
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, us]) => `${((100 * us) / all).toFixed(1).padStart(5)} %  ${name}`);
const print = (text: string) => process.stdout.write(`${text}\n`);
print(
  `${which}: ${Math.round(r.rps)} req/s, ${r.cpuPerRequestMs.toFixed(2)} ms CPU/request, ${(all / 1000 / r.requests).toFixed(2)} ms sampled/request`,
);
print(top(totals, 25).join("\n"));
print("--- functions");
print(top(functions, 30).join("\n"));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const callersOf = process.env.PROFILE_CALLERS;
if (callersOf) {
  const stacks = new Map<string, number>();
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
    const chain: string[] = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 8; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      chain.push(`${f.functionName || "?"}@${bucket(f)}`);
    }
    stacks.set(chain.join(" < "), (stacks.get(chain.join(" < ")) ?? 0) + us);
  }
  print(`--- callers of ${callersOf}`);
  print(top(stacks, 8).join("\n"));
}

// Inclusive time of the gateway's own modules (a sample counts once for each module on its stack):
// what a layer's hooks cost with everything they call, in µs per request. A layer's indirect
// costs (an extra promise tick, a wrapped response) are not in it.
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  if (byId.get(id)!.callFrame.functionName === "(idle)") continue;
  const seen = new Set<string>();
  for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
    const b = bucket(byId.get(p)!.callFrame);
    if (b.startsWith("src/") && !seen.has(b)) {
      seen.add(b);
      inclusive.set(b, (inclusive.get(b) ?? 0) + us);
    }
  }
}
print("--- inclusive, the gateway's modules (µs per request)");
print(
  [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30)
    .map(([name, us]) => `${(us / r.requests).toFixed(0).padStart(5)} µs  ${name}`)
    .join("\n"),
);
