import { afterEach, describe, expect, it } from "vitest";
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
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  const listen = async (gateway: Gateway, token: string) => {
    const stream = await subscribe(gateway.url, TRANSACTIONS, { token });
    open.push(stream);
    return stream;
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
  const extraGateway = async () =>
    (
      await startGateways(
        1,
        childEnv({ DATABASE_URL: POSTGRES_URL as string, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...ENV }),
      )
    ).gateways[0]!;

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
    expect(await db.prisma.eventStreamLease.count({ where: { tokenId: creator.tokenId } })).toBe(CAP);
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
    for (let i = 0; i < CAP; i++) expect((await listen(stopped, calm.token)).status).toBe(200);
    expect((await listen(a, calm.token)).status).toBe(429);
    stopped.process.child.kill("SIGTERM");
    await stopped.process.exited;
    expect((await listen(a, calm.token)).status).toBe(200);

    const killed = await extraGateway();
    const unlucky = await createCreator(db);
    for (let i = 0; i < CAP; i++) expect((await listen(killed, unlucky.token)).status).toBe(200);
    killed.process.child.kill("SIGKILL");
    await killed.process.exited;
    // Its leases were renewed less than 0.5 s ago and count for 1.5 s: still refused.
    expect((await listen(a, unlucky.token)).status).toBe(429);
    const started = Date.now();
    expect((await eventually(a, unlucky.token, 200)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    // The next renewal by a live gateway deletes the dead gateway's leases.
    await expect
      .poll(() => db.prisma.eventStreamLease.count({ where: { tokenId: unlucky.tokenId } }), { timeout: 3_000 })
      .toBe(1);
  });
});
