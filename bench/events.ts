// Live events with 500 open streams, against two real gateway processes this script starts on one
// PostgreSQL database: subscribers on B, money written through A (so every event crosses
// processes through LISTEN/NOTIFY). Prints events/s and delivery latency p50/p99 for:
//  1. spread: 500 streams on 500 wallets, deposits to random wallets, as fast as A takes them
//     (16 writers), then paced at 20 per second;
//  2. fan-out: 500 streams (500 tokens) on one wallet, every deposit reaches all of them, written
//     as fast as A takes them, then paced at 5 deposits per second (2,500 events/s).
// Latency is from the entry's created_at (taken under the wallet lock, before the rest of the
// writing transaction and its commit) to the moment the client has read the event, so under a
// saturated writer it includes the writer's own transaction time.
// Run by hand:  DATABASE_URL=postgres://... npx tsx bench/events.ts [streams=500] [deposits=2000]
import { randomUUID } from "node:crypto";
import { issueToken } from "../src/modules/accounts/token.service.ts";
import { openBench } from "./setup.ts";
import { childEnv, runServer, waitFor } from "../test/helpers/processes.ts";

const STREAMS = Number(process.argv[2] ?? 500);
const DEPOSITS = Number(process.argv[3] ?? 2000);
const WRITERS = 16;

const { url, db, account } = await openBench();
process.stderr.write(`creating ${STREAMS} creators and a hot wallet with ${STREAMS} tokens...\n`);
const service = await account("service", "SERVICE");
const creators: { id: number; token: string }[] = [];
for (let i = 0; i < STREAMS; i++) creators.push(await account(`creator-${i}`));
const hot = await account("hot");
const hotTokens = [];
for (let i = 0; i < STREAMS; i++) hotTokens.push((await issueToken(db.prisma, { accountId: hot.id })).token);

process.stderr.write("starting gateways A (writes) and B (subscribers)...\n");
const env = childEnv({ DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", RATE_LIMITS: "off" });
const [a, b] = [runServer(env), runServer(env)];
const [, baseA] = await waitFor(a, /GraphiQL: (http:\/\/\S+)\/graphql/);
const [, baseB] = await waitFor(b, /GraphiQL: (http:\/\/\S+)\/graphql/);

type Stream = { close(): void; ready: Promise<void> };
const latencies: number[] = [];
let received = 0;
let lastAt = 0;

/** One SSE subscription on B; every event's latency is recorded. */
function open(token: string): Stream {
  const abort = new AbortController();
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  void (async () => {
    const res = await fetch(`${baseB}/graphql`, {
      method: "POST",
      signal: abort.signal,
      headers: { accept: "text/event-stream", "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "subscription { transactionAdded { eventId transaction { createdAt } } }" }),
    });
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`);
    ready();
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!data || !block.includes("event: next")) continue;
          const now = Date.now();
          const createdAt = Date.parse(JSON.parse(data).data.transactionAdded.transaction.createdAt);
          latencies.push(now - createdAt);
          received++;
          lastAt = performance.now();
        }
      }
    } catch {
      // closed
    }
  })();
  return { close: () => abort.abort(), ready: readyP };
}

const deposit = async (accountId: number) => {
  const res = await fetch(`${baseA}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${service.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation($i: BalanceAdjustmentInput!) { recordDeposit(input: $i) { __typename } }",
      variables: { i: { accountId, amount: 100, externalId: randomUUID() } },
    }),
  });
  if (res.status !== 200) throw new Error(`deposit answered ${res.status}`);
};

async function scenario(
  name: string,
  tokens: string[],
  target: () => number,
  deposits: number,
  expected: number,
  perSecond: number | null = null,
) {
  latencies.length = 0;
  received = 0;
  const streams = tokens.map(open);
  await Promise.all(streams.map((s) => s.ready));
  process.stderr.write(
    `${name}: ${streams.length} streams open; writing ${deposits} deposits through A ` +
      `(${perSecond ? `${perSecond} per second` : `${WRITERS} at a time`})...\n`,
  );
  const started = performance.now();
  let next = 0;
  if (perSecond) {
    const writes = [];
    for (; next < deposits; next++) {
      writes.push(deposit(target()));
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
    await Promise.all(writes);
  } else {
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < deposits) {
          next++;
          await deposit(target());
        }
      }),
    );
  }
  const wroteMs = performance.now() - started;
  const deadline = Date.now() + 30_000;
  while (received < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const tookMs = lastAt - started;
  for (const s of streams) s.close();
  latencies.sort((x, y) => x - y);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  process.stdout.write(
    `${name.padEnd(10)} streams ${String(streams.length).padStart(4)}  deposits ${deposits} in ${(wroteMs / 1000).toFixed(1)} s  ` +
      `events ${received}/${expected}  ${Math.round(received / (tookMs / 1000))} events/s  latency p50 ${q(0.5)} ms  p99 ${q(0.99)} ms\n`,
  );
  await new Promise((r) => setTimeout(r, 500));
}

const anyCreator = () => creators[Math.floor(Math.random() * creators.length)]!.id;
const creatorTokens = creators.map((c) => c.token);
await scenario("spread", creatorTokens, anyCreator, DEPOSITS, DEPOSITS);
await scenario("spread/20", creatorTokens, anyCreator, 200, 200, 20);
const fanOut = Math.max(1, Math.round(DEPOSITS / 20));
await scenario("fan-out", hotTokens, () => hot.id, fanOut, fanOut * hotTokens.length);
await scenario("fan-out/5", hotTokens, () => hot.id, 50, 50 * hotTokens.length, 5);

a.child.kill("SIGTERM");
b.child.kill("SIGTERM");
await Promise.all([a.exited, b.exited]);
await db.close();
