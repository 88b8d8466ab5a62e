import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createAppMetrics } from "../../src/metrics/app-metrics.ts";
import { createMetricsServer } from "../../src/metrics/metrics-server.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { startServer } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { limitsWith, randomAddress } from "../helpers/limits.ts";
import { deposit, mutate, openWalletServer, type Service } from "../helpers/money.ts";
import { createApp } from "../../src/app.ts";
import { testLogger } from "../helpers/db.ts";
import http from "node:http";
import { afterAll } from "vitest";

/** The value of one sample of a Prometheus text page, 0 when absent. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of page.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

const CASHOUT = `mutation Cashout($key: String) { requestCashout(input: { idempotencyKey: $key }) { __typename
  ... on RequestCashoutPayload { payout { id: legacyId } } } }`;
const SETTLE = `mutation Settle($input: SettlePayoutInput!) { settlePayout(input: $input) { __typename } }`;

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("GET /metrics (Prometheus)", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));
  const scrape = async (base = url, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}/metrics`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it("counts HTTP requests by surface, route and status, and GraphQL operations by name with phase durations", async () => {
    const me = await createCreator(db);
    const before = await scrape();
    const auth = { authorization: `Bearer ${me.token}` };
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/api/wallet?limit=5`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${url}/api/user/linked-accounts/999999/session`, { method: "POST", headers: auth })).status).toBe(404);
    expect((await fetch(`${url}/api/no/such/path`)).status).toBe(404);
    const named = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ query: "query MyBalance { viewer { wallet { available { amount } } } }" }),
    });
    expect(named.status).toBe(200);
    const after = await scrape();
    const requests = (labels: Record<string, string>) =>
      sample(after, "wallet_http_request_duration_seconds_count", labels) -
      sample(before, "wallet_http_request_duration_seconds_count", labels);
    expect(requests({ surface: "legacy", route: "/api/wallet", method: "GET", status: "200" })).toBe(3);
    expect(
      requests({ surface: "legacy", route: "/api/user/linked-accounts/:childId/session", method: "POST", status: "404" }),
    ).toBe(1);
    expect(requests({ surface: "legacy", route: "unmatched", method: "GET", status: "404" })).toBe(1);
    expect(requests({ surface: "graphql", route: "/graphql", method: "POST", status: "200" })).toBe(1);
    // The GraphQL phases by operation name (the REST routes' operations are named too).
    for (const phase of ["parse", "validate", "execute"]) {
      const name = `graphql_envelop_phase_${phase}_count`;
      expect(sample(after, name, { operationName: "MyBalance" }) - sample(before, name, { operationName: "MyBalance" })).toBe(1);
    }
    expect(sample(after, "graphql_envelop_phase_execute_count", { operationName: "LegacyWallet" })).toBeGreaterThanOrEqual(3);
    // Between requests nothing waits and every open connection is idle (PGlite: its one session).
    const pool = ["total", "idle", "waiting"].map((state) => sample(after, "wallet_db_pool_connections", { state }));
    if (db.kind === "pglite") expect(pool).toEqual([1, 0, 0]);
    else expect([pool[0]! >= 1 && pool[0]! <= 10, pool[1], pool[2]]).toEqual([true, pool[0], 0]);
    expect(after).toContain("wallet_gateway_process_resident_memory_bytes");
  });

  it("counts cashouts and payout settlements by outcome, and idempotency replays", async () => {
    const me = await createCreator(db);
    const before = await scrape();
    const empty = await mutate<{ __typename: string }>(url, me.token, CASHOUT, { key: "m-1" });
    expect(empty.__typename).toBe("NoAvailableFundsError");
    expect((await mutate<{ __typename: string }>(url, me.token, CASHOUT, { key: "m-1" })).__typename).toBe(
      "NoAvailableFundsError",
    );
    await deposit(url, service.token, me.id, 700);
    const paid = await mutate<{ payout: { id: number } }>(url, me.token, CASHOUT, { key: "m-2" });
    const settle = (status: string) => mutate(url, service.token, SETTLE, { input: { payoutId: paid.payout.id, status } });
    expect(await settle("PAID")).toEqual({ __typename: "SettlePayoutPayload" });
    expect(await settle("FAILED")).toEqual({ __typename: "ConflictError" });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("wallet_cashouts_total", { outcome: "no_available_funds" })).toBe(2); // the first, and its replay
    expect(delta("wallet_cashouts_total", { outcome: "ok" })).toBe(1);
    expect(delta("wallet_payout_settlements_total", { outcome: "paid" })).toBe(1);
    expect(delta("wallet_payout_settlements_total", { outcome: "conflict" })).toBe(1);
    expect(delta("wallet_idempotency_replays_total", { operation: "requestCashout" })).toBe(1);
  });

  it("counts rate-limit refusals by limit", async () => {
    const { url: limited } = await startServer(db, limitsWith({ read: { perMinute: 2, perHour: 100 } }));
    const me = await createCreator(db);
    const before = await scrape(limited);
    const headers = { authorization: `Bearer ${me.token}`, "x-forwarded-for": randomAddress() };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited}/api/wallet`, { headers })).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const after = await scrape(limited);
    expect(
      sample(after, "wallet_rate_limit_rejections_total", { limit: "read" }) -
        sample(before, "wallet_rate_limit_rejections_total", { limit: "read" }),
    ).toBe(2);
  });

  it("with METRICS_TOKEN asks for it; with METRICS_PORT serves only there", async () => {
    const token = "metrics-token-0123456789";
    const guarded = await listen(
      http.createServer(createApp({ db, logger: testLogger, config: { metrics: { token, port: null } } })),
    );
    expect((await fetch(`${guarded}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect(await scrape(guarded, { authorization: `Bearer ${token}` })).toContain("wallet_http_request_duration_seconds");

    const metrics = createAppMetrics(db, restRoutes);
    const config = { token: null, port: 1 }; // any port: this test listens on a free one itself
    const api = await listen(http.createServer(createApp({ db, logger: testLogger, config: { metrics: config }, metrics })));
    const side = await listen(createMetricsServer(metrics, config));
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    const page = await scrape(side);
    expect(sample(page, "wallet_http_request_duration_seconds_count", { route: "/healthz", status: "200" })).toBe(1);
    expect((await fetch(`${side}/graphql`)).status).toBe(404);
  });
});
