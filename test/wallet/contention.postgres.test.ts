import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/modules/ledger/reconcile.ts";
import { testDatabase, POSTGRES_URL } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { gatewaysOnPostgres } from "../helpers/gateways.ts";
import { childEnv, type Gateway, runServer, waitFor } from "../helpers/processes.ts";
import { createService } from "../helpers/money.ts";

type Answer = { status: number; retryAfter: string | null; body: unknown };

const post = (url: string, path: string, token: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  }).then(async (r): Promise<Answer> => ({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.json() }));

const graphql = (url: string, token: string, query: string, variables: Record<string, unknown>) =>
  post(url, "/graphql", token, { body: { query, variables } });

const DEPOSIT = "mutation($i: BalanceAdjustmentInput!) { recordDeposit(input: $i) { __typename } }";
const SALE = "mutation($i: RecordSaleInput!) { recordSale(input: $i) { __typename ... on RecordSalePayload { sale { uuid } } } }";
const REFUND = "mutation($i: SaleReversalInput!) { recordRefund(input: $i) { __typename } }";

const tally = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});

// PostgreSQL only: real gateway processes on one database, contention across them, and a crash.
describe("money under contention and a crash, across gateway processes", () => {
  // Every request here comes from one token and address: the rate limits would answer most of them 429.
  const gateways = gatewaysOnPostgres(2, { RATE_LIMITS: "off", LOG_LEVEL: "error" });

  it("1,000 concurrent cashouts of one wallet through two gateways: exactly one payout, no 5xx", async () => {
    const db = await testDatabase();
    const [a, b] = gateways() as [Gateway, Gateway];
    const service = await createService(db);
    const hot = await createCreator(db);
    expect(
      (await graphql(a.url, service.token, DEPOSIT, { i: { accountId: hot.id, amount: 123_456, externalId: randomUUID() } }))
        .status,
    ).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => post(i % 2 ? a.url : b.url, "/api/wallet/cashout", hot.token)),
    );
    expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
    for (const x of answers.filter((y) => y.status !== 200)) {
      if (x.status === 409)
        expect([x.retryAfter, x.body]).toEqual([
          "1",
          { success: false, errors_message: "This wallet is busy with another request: retry shortly.", data: null },
        ]);
      else expect([x.status, x.body]).toEqual([422, { success: false, errors_message: "No available funds", data: null }]);
    }
    const payouts = await db.prisma.payout.findMany({ where: { walletId: hot.walletId } });
    expect(payouts.map((p) => p.amount)).toEqual([123_456n]);
    expect(await reconcile(db.prisma, { walletIds: [hot.walletId] })).toMatchObject({ mismatches: [], rollupMismatches: [] });
  });

  it("2,500 cashouts with one Idempotency-Key through two gateways: one payout, each answer it or a 409 with Retry-After", async () => {
    const db = await testDatabase();
    const [a, b] = gateways() as [Gateway, Gateway];
    const service = await createService(db);
    const hot = await createCreator(db);
    await graphql(a.url, service.token, DEPOSIT, { i: { accountId: hot.id, amount: 900, externalId: randomUUID() } });
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 2_500 }, (_, i) =>
        post(i % 2 ? a.url : b.url, "/api/wallet/cashout", hot.token, { headers: { "idempotency-key": key } }),
      ),
    );
    const ok = { success: true, errors_message: null, data: "Cashout created successfully" };
    for (const x of answers) {
      if (x.status === 200) expect(x.body).toEqual(ok);
      else expect([x.status, x.retryAfter]).toEqual([409, "1"]);
    }
    expect(tally(answers)[200]).toBeGreaterThan(0);
    expect((await db.prisma.payout.findMany({ where: { walletId: hot.walletId } })).map((p) => p.amount)).toEqual([900n]);
  });

  it("200 concurrent refunds on one wallet leave other accounts' deposits untouched: never a 503", async () => {
    const db = await testDatabase();
    const [a] = gateways() as [Gateway];
    const service = await createService(db);
    const hot = await createCreator(db);
    const others = await Promise.all(Array.from({ length: 20 }, () => createCreator(db)));
    const sales: string[] = [];
    for (let i = 0; i < 200; i++) {
      const sale = await graphql(a.url, service.token, SALE, {
        i: { accountId: hot.id, amount: 100 + i, externalId: randomUUID() },
      });
      sales.push((sale.body as { data: { recordSale: { sale: { uuid: string } } } }).data.recordSale.sale.uuid);
    }
    const refunds = sales.map((uuid) =>
      graphql(a.url, service.token, REFUND, { i: { saleUuid: uuid, externalId: randomUUID() } }),
    );
    const deposits = others.flatMap((o) =>
      [1, 2, 3].map((n) =>
        graphql(a.url, service.token, DEPOSIT, { i: { accountId: o.id, amount: n, externalId: randomUUID() } }),
      ),
    );
    const [refunded, deposited] = await Promise.all([Promise.all(refunds), Promise.all(deposits)]);
    expect(tally(deposited)).toEqual({ 200: 60 });
    for (const d of deposited) expect(d.body).toEqual({ data: { recordDeposit: { __typename: "RecordDepositPayload" } } });
    for (const r of refunded) {
      if (r.status === 200) expect(r.body).toEqual({ data: { recordRefund: { __typename: "RecordRefundPayload" } } });
      else expect([r.status, r.retryAfter]).toEqual([409, "1"]);
    }
    const wallets = await db.prisma.wallet.findMany({ where: { id: { in: others.map((o) => o.walletId) } } });
    expect(wallets.map((w) => w.available)).toEqual(others.map(() => 6n));
    const refundedCount = refunded.filter((r) => r.status === 200).length;
    expect(await db.prisma.ledgerEntry.count({ where: { walletId: hot.walletId, type: "REFUND" } })).toBe(refundedCount);
    expect(await reconcile(db.prisma, { walletIds: [hot.walletId] })).toMatchObject({ mismatches: [], rollupMismatches: [] });
  });

  it("kill -9 under write load: every acknowledged sale is there once, and retries with the same ids add none", async () => {
    const db = await testDatabase();
    const service = await createService(db);
    const creators = await Promise.all(Array.from({ length: 8 }, () => createCreator(db)));
    const env = childEnv({
      DATABASE_URL: POSTGRES_URL as string,
      PORT: "0",
      HOST: "127.0.0.1",
      RATE_LIMITS: "off",
      LOG_LEVEL: "error",
    });
    const start = async () => {
      const p = runServer(env);
      const [, url] = await waitFor(p, /GraphiQL: (http:\/\/\S+)\/graphql/);
      return { p, url: url! };
    };
    const sales = Array.from({ length: 4_000 }, (_, i) => ({
      accountId: creators[i % 8]!.id,
      amount: 1 + (i % 97),
      externalId: randomUUID(),
    }));
    const acknowledged = new Set<string>();
    const victim = await start();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < sales.length) {
          const sale = sales[next++]!;
          try {
            const r = await graphql(victim.url, service.token, SALE, { i: sale });
            if (r.status === 200) acknowledged.add(sale.externalId);
            if (acknowledged.size === 200) victim.p.child.kill("SIGKILL"); // mid-load: 16 requests in flight
          } catch {
            return; // the connection died with the process
          }
        }
      }),
    );
    await victim.p.exited;
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(next); // killed with requests in flight
    // The client retries everything it sent (acknowledged or not) through a fresh gateway.
    const survivor = await start();
    try {
      const sent = sales.slice(0, next);
      for (let i = 0; i < sent.length; i += 100) {
        const batch = sent.slice(i, i + 100);
        const r = await graphql(
          survivor.url,
          service.token,
          `
            mutation ($i: RecordSalesInput!) {
              recordSales(input: $i) {
                __typename
              }
            }
          `,
          {
            i: { sales: batch },
          },
        );
        expect(r.body).toEqual({ data: { recordSales: { __typename: "RecordSalesPayload" } } });
      }
    } finally {
      survivor.p.child.kill("SIGTERM");
      await survivor.p.exited;
    }
    const entries = await db.prisma.ledgerEntry.findMany({
      where: { walletId: { in: creators.map((c) => c.walletId) }, type: "SALE" },
      select: { externalId: true, amount: true },
    });
    const ids = entries.map((e) => e.externalId!);
    expect(new Set(ids).size).toBe(ids.length); // none twice
    expect(ids.sort()).toEqual(
      sales
        .slice(0, next)
        .map((s) => s.externalId)
        .sort(),
    ); // everything sent, once
    const written = new Set(ids);
    expect([...acknowledged].filter((id) => !written.has(id))).toEqual([]);
    expect(await reconcile(db.prisma, { walletIds: creators.map((c) => c.walletId) })).toMatchObject({
      mismatches: [],
      rollupMismatches: [],
    });
  });
});
