import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { gatewaysOnPostgres } from "../helpers/gateways.ts";
import { childEnv, type Gateway, startGateways } from "../helpers/processes.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";
import { POSTGRES_URL } from "../helpers/test-db-config.ts";

const TRANSACTIONS = `subscription { transactionAdded { eventId } }`;
const CAP = 3;
const ENV = { RATE_LIMITS: "off", SUBSCRIPTIONS_PER_TOKEN: String(CAP), SUBSCRIPTION_LEASE_TTL_MS: "1500" };

// PostgreSQL only: a token's cap on open event streams counts its streams on every gateway process.
describe("the per-token cap on open event streams, across gateway processes", () => {
  const gateways = gatewaysOnPostgres(2, ENV);
  const open: SseStream[] = [];
  const extras: Gateway[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    // A test that failed half-way leaves no gateway of its own behind (a paused one is woken to stop).
    for (const g of extras.splice(0)) {
      g.process.child.kill("SIGCONT");
      g.process.child.kill("SIGKILL");
      await g.process.exited;
    }
  });
  const listen = async (gateway: Gateway, token: string) => {
    const stream = await subscribe(gateway.url, TRANSACTIONS, { token });
    open.push(stream);
    return stream;
  };
  /** Opens the token's whole cap of streams on the gateway, each answered 200. */
  const fill = async (gateway: Gateway, token: string) => {
    for (let i = 0; i < CAP; i++) expect((await listen(gateway, token)).status).toBe(200);
  };
  /** The status of one more stream of the token on the gateway, retried until `want` or 5 s. */
  const eventually = async (gateway: Gateway, token: string, want: number) => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const stream = await listen(gateway, token);
      if (stream.status === want || Date.now() > deadline) return stream;
      stream.close();
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** A third gateway of its own, on the same database, that a test may stop or kill. */
  const extraGateway = async () => {
    const env = childEnv({ DATABASE_URL: POSTGRES_URL as string, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...ENV });
    const gateway = (await startGateways(1, env)).gateways[0]!;
    extras.push(gateway);
    return gateway;
  };
  const leasesOf = (db: Database, tokenId: number) => db.prisma.eventStreamLease.count({ where: { tokenId } });

  it("refuses the next stream on either gateway once the token's streams on both reach the cap, and frees a place when one closes", async () => {
    const db = await testDatabase();
    const creator = await createCreator(db);
    const [a, b] = gateways() as [Gateway, Gateway];
    const first = await listen(a, creator.token);
    expect([first.status, (await listen(a, creator.token)).status, (await listen(b, creator.token)).status]).toEqual([
      200, 200, 200,
    ]);

    for (const gateway of [a, b]) {
      const refused = await listen(gateway, creator.token);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect((await refused.next()).errors![0]).toMatchObject({
        message: `This token already has ${CAP} open subscriptions (the maximum): close one first.`,
        extensions: { code: "SUBSCRIPTION_LIMIT" },
      });
    }
    // Another token is not affected.
    const other = await createCreator(db);
    expect((await listen(b, other.token)).status).toBe(200);

    // A stream closed on A gives its place to a stream on B, and only one.
    first.close();
    expect((await eventually(b, creator.token, 200)).status).toBe(200);
    expect((await listen(a, creator.token)).status).toBe(429);
    expect(await leasesOf(db, creator.tokenId)).toBe(CAP);
  });

  it("lets exactly the cap through when one token opens twice as many streams at once on both gateways", async () => {
    const db = await testDatabase();
    const creator = await createCreator(db);
    const [a, b] = gateways() as [Gateway, Gateway];
    const streams = await Promise.all(Array.from({ length: CAP * 2 }, (_, i) => listen(i % 2 ? a : b, creator.token)));
    expect(streams.map((s) => s.status).sort()).toEqual([...Array(CAP).fill(200), ...Array(CAP).fill(429)]);
  });

  it("gives a stopped gateway's places back at once, and a killed gateway's once its leases expire", async () => {
    const db = await testDatabase();
    const [a] = gateways() as [Gateway];

    const stopped = await extraGateway();
    const calm = await createCreator(db);
    await fill(stopped, calm.token);
    expect((await listen(a, calm.token)).status).toBe(429);
    stopped.process.child.kill("SIGTERM");
    await stopped.process.exited;
    // Given back, not merely expired: the rows are gone (nothing else renews or sweeps here).
    expect(await leasesOf(db, calm.tokenId)).toBe(0);
    expect((await listen(a, calm.token)).status).toBe(200);

    const killed = await extraGateway();
    const unlucky = await createCreator(db);
    await fill(killed, unlucky.token);
    killed.process.child.kill("SIGKILL");
    await killed.process.exited;
    // Its leases were renewed less than 0.5 s ago and count for 1.5 s: still refused.
    expect((await listen(a, unlucky.token)).status).toBe(429);
    const started = Date.now();
    expect((await eventually(a, unlucky.token, 200)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    // The next renewal by a live gateway deletes the dead gateway's leases.
    await expect.poll(() => leasesOf(db, unlucky.tokenId), { timeout: 3_000 }).toBe(1);
  });

  it("a gateway paused past the lease TTL is taken for dead, then counts its open streams again when it wakes", async () => {
    const db = await testDatabase();
    const [a] = gateways() as [Gateway];
    const paused = await extraGateway();
    const creator = await createCreator(db);
    await fill(paused, creator.token);
    paused.process.child.kill("SIGSTOP");
    // Its row expires; A admits a stream, and A's renewals sweep the paused gateway's leases.
    const meanwhile = await eventually(a, creator.token, 200);
    expect(meanwhile.status).toBe(200);
    await expect.poll(() => leasesOf(db, creator.tokenId), { timeout: 3_000 }).toBe(1);
    meanwhile.close();
    await expect.poll(() => leasesOf(db, creator.tokenId), { timeout: 3_000 }).toBe(0);

    paused.process.child.kill("SIGCONT");
    // Its next renewal finds its row swept and takes its streams' leases again: the cap holds.
    await expect.poll(() => leasesOf(db, creator.tokenId), { timeout: 3_000 }).toBe(CAP);
    expect((await listen(a, creator.token)).status).toBe(429);
  });
});
