import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { revokeToken } from "../../src/modules/accounts/token.service.ts";
import { startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, createService, deposit, mutate, openWalletServer, recordSale, releaseAll } from "../helpers/money.ts";

const legacyTime = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");

describe("legacy REST paths (golden responses)", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const call = async (path: string, init: RequestInit & { token?: string; apiKey?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.apiKey) headers.set("x-api-key", init.apiKey);
    const res = await fetch(`${url}${path}`, { ...init, headers });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    return { status: res.status, body: await res.json() };
  };

  /** A referred creator and its referrer, with sales, a release, a deposit and an affiliate fee. */
  async function scenario() {
    const [referrer, creator] = [await createCreator(db), await createCreator(db)];
    await db.prisma.referral.create({ data: { referrerId: referrer.id, referredId: creator.id, feeBps: 1000 } });
    await recordSale(url, service.token, creator.id, 550);
    await releaseAll(url, service.token, creator.id);
    await recordSale(url, service.token, creator.id, 2200);
    await deposit(url, service.token, creator.id, 15_000);
    return { referrer, creator };
  }

  const visibleEntries = (walletId: number) =>
    db.prisma.ledgerEntry.findMany({ where: { walletId, visible: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });

  it("GET /api/wallet: balances and a Laravel page of {id, amount, type, created_at, title}", async () => {
    const { creator } = await scenario();
    const entries = await visibleEntries(creator.walletId);
    const res = await call("/api/wallet?page=1&limit=3", { token: creator.token });
    expect(res).toEqual({
      status: 200,
      body: {
        success: true,
        errors_message: null,
        data: {
          available: 15_550,
          hold: 2200,
          pending: 0,
          total: 17_750,
          referral_revenue: 0,
          cashout_available: true,
          transactions: {
            data: entries.slice(0, 3).map((e) => ({
              id: e.id,
              amount: Number(e.amount),
              type: e.type.toLowerCase(),
              created_at: legacyTime(e.createdAt),
              title: e.title,
            })),
            current_page: 1,
            per_page: 3,
            total: 4,
            last_page: 2,
          },
        },
      },
    });
    expect(res.body.data.transactions.data.map((t: { type: string }) => t.type)).toEqual(["deposit", "sale", "hold_release"]);
    const second = await call("/api/wallet?page=2&limit=3", { token: creator.token });
    expect(second.body.data.transactions.data.map((t: { amount: number; type: string }) => [t.amount, t.type])).toEqual([
      [550, "sale"],
    ]);
    const beyond = await call("/api/wallet?page=9&limit=3", { token: creator.token });
    expect(beyond.body.data.transactions).toEqual({ data: [], current_page: 9, per_page: 3, total: 4, last_page: 2 });
    const defaults = await call("/api/wallet", { token: creator.token });
    expect(defaults.body.data.transactions).toMatchObject({ current_page: 1, per_page: 15, total: 4, last_page: 1 });
  });

  it("GET /api/wallet/affiliate and its alias /api/affiliate/revenue: referral revenue and affiliate entries only", async () => {
    const { referrer, creator } = await scenario();
    const fees = await visibleEntries(referrer.walletId);
    const expected = {
      status: 200,
      body: {
        success: true,
        errors_message: null,
        data: {
          referral_revenue: 275,
          transactions: {
            data: fees.map((e) => ({
              id: e.id,
              amount: Number(e.amount),
              type: "affiliate_earning",
              created_at: legacyTime(e.createdAt),
              title: "Referral revenue",
            })),
            current_page: 1,
            per_page: 15,
            total: 2,
            last_page: 1,
          },
        },
      },
    };
    expect(fees.map((e) => e.amount)).toEqual([220n, 55n]);
    expect(await call("/api/wallet/affiliate", { token: referrer.token })).toEqual(expected);
    expect(await call("/api/affiliate/revenue", { token: referrer.token })).toEqual(expected);
    expect((await call("/api/wallet", { token: referrer.token })).body.data.referral_revenue).toBe(275);
    expect((await call("/api/wallet/affiliate", { token: creator.token })).body.data).toEqual({
      referral_revenue: 0,
      transactions: { data: [], current_page: 1, per_page: 15, total: 0, last_page: 1 },
    });
  });

  it("POST /api/wallet/cashout: success, then 'No available funds'", async () => {
    const { creator } = await scenario();
    expect(await call("/api/wallet/cashout", { method: "POST", token: creator.token })).toEqual({
      status: 200,
      body: { success: true, errors_message: null, data: "Cashout created successfully" },
    });
    expect(await call("/api/wallet/cashout", { method: "POST", token: creator.token })).toEqual({
      status: 422,
      body: { success: false, errors_message: "No available funds", data: null },
    });
    const wallet = await call("/api/wallet?limit=1", { token: creator.token });
    expect(wallet.body.data).toMatchObject({
      available: 0,
      pending: 15_550,
      hold: 2200,
      total: 17_750,
      cashout_available: false,
    });
    expect(wallet.body.data.transactions.data[0]).toMatchObject({ amount: -15_550, type: "cashout", title: "Cashout requested" });
  });

  it.each([
    ["GET", "/api/wallet"],
    ["GET", "/api/wallet/affiliate"],
    ["GET", "/api/affiliate/revenue"],
    ["POST", "/api/wallet/cashout"],
  ])("%s %s answers 401 in the legacy envelope without a valid token", async (method, path) => {
    const unauthenticated = { status: 401, body: { success: false, errors_message: "Unauthenticated.", data: null } };
    expect(await call(path, { method })).toEqual(unauthenticated);
    expect(await call(path, { method, token: "wgw_nope" })).toEqual(unauthenticated);
  });

  it.each([
    ["page=0", "The page field must be an integer of at least 1."],
    ["page=abc", "The page field must be an integer of at least 1."],
    ["limit=0", "The limit field must be an integer between 1 and 100."],
    ["limit=101", "The limit field must be an integer between 1 and 100."],
    ["limit=2.5", "The limit field must be an integer between 1 and 100."],
  ])("GET /api/wallet?%s answers 422 naming the field", async (query, message) => {
    const creator = await createCreator(db);
    expect(await call(`/api/wallet?${query}`, { token: creator.token })).toEqual({
      status: 422,
      body: { success: false, errors_message: message, data: null },
    });
  });

  it("answers 403 for a read-only token's cashout, 404 for unknown paths, 405 for the wrong method", async () => {
    const viewer = await createCreator(db, { role: "VIEWER" });
    expect(await call("/api/wallet/cashout", { method: "POST", token: viewer.token })).toEqual({
      status: 403,
      body: { success: false, errors_message: "A VIEWER token may not cash out", data: null },
    });
    expect(await call("/api/nope", { token: viewer.token })).toEqual({
      status: 404,
      body: { success: false, errors_message: "Not found.", data: null },
    });
    const wrong = await call("/api/wallet/cashout", { method: "GET", token: viewer.token });
    expect(wrong).toEqual({ status: 405, body: { success: false, errors_message: "Use POST.", data: null } });
  });
});

describe("Studio API ledger feed (golden responses)", () => {
  let db: Database;
  let url: string;
  let service: Awaited<ReturnType<typeof createService>>;
  const PATH = "/api/external/v1/account/wallet/transactions";
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    service = await createService(db);
  });

  const get = async (query: string, apiKey?: string) => {
    const res = await fetch(`${url}${PATH}${query}`, { headers: apiKey ? { "x-api-key": apiKey } : {} });
    return { status: res.status, body: await res.json() };
  };

  it("lists the available balance's entries with exact decimal amounts, balance_after, action, date and cursor pagination", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 118_450); // 1184.50
    const sale = await recordSale(url, service.token, creator.id, 1005);
    await releaseAll(url, service.token, creator.id);
    await mutate(url, creator.token, "mutation { requestCashout(input: {}) { __typename } }");
    const entries = await db.prisma.ledgerEntry.findMany({
      where: { walletId: creator.walletId, bucket: "AVAILABLE" },
      orderBy: { id: "desc" },
    });
    const item = (e: (typeof entries)[number], action: string, amount: number, balanceAfter: number, description: string) => ({
      transaction_id: e.uuid,
      action,
      amount,
      balance_after: balanceAfter,
      description,
      date: `${e.createdAt.toISOString().slice(0, 19)}+00:00`,
      date_ts: Math.floor(e.createdAt.getTime() / 1000),
    });
    const first = await get("?limit=2", creator.token);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      item(entries[0]!, "payout", -1194.55, 0, "Cashout requested"),
      item(entries[1]!, "campaign_hold_release", 10.05, 1194.55, "Funds released"),
    ]);
    expect(first.body.pagination).toEqual({ next_cursor: expect.any(String), has_next: true, limit: 2 });
    const second = await get(`?limit=2&after=${encodeURIComponent(first.body.pagination.next_cursor)}`, creator.token);
    expect(second).toEqual({
      status: 200,
      body: {
        success: true,
        data: [item(entries[2]!, "top_up", 1184.5, 1184.5, "Deposit")],
        pagination: { next_cursor: null, has_next: false, limit: 2 },
      },
    });
    const asc = await get("?sort=date_asc&limit=100", creator.token);
    expect(asc.body.data.map((d: { action: string }) => d.action)).toEqual(["top_up", "campaign_hold_release", "payout"]);
    expect(asc.body.pagination).toEqual({ next_cursor: null, has_next: false, limit: 100 });
    const byId = await get(`?transaction_id=${entries[1]!.uuid}`, creator.token);
    expect(byId.body.data).toEqual([item(entries[1]!, "campaign_hold_release", 10.05, 1194.55, "Funds released")]);
    expect((await get(`?transaction_id=${sale.sale.uuid}`, creator.token)).body.data).toEqual([]); // sales sit on hold, not in this feed
    const today = new Date().toISOString().slice(0, 10);
    expect((await get(`?from=${today}&to=${today}`, creator.token)).body.data).toHaveLength(3);
    expect((await get("?from=2000-01-01&to=2000-01-31", creator.token)).body).toEqual({
      success: true,
      data: [],
      pagination: { next_cursor: null, has_next: false, limit: 50 },
    });
  });

  it("maps types with no Studio equivalent to unknown with the generic placeholder", async () => {
    const creator = await createCreator(db);
    await deposit(url, service.token, creator.id, 500);
    await mutate(
      url,
      service.token,
      `mutation { recordWithdrawal(input: { accountId: ${creator.id}, amount: 200, externalId: "${randomUUID()}" }) { __typename } }`,
    );
    const res = await get("?limit=1", creator.token);
    expect(res.body.data[0]).toMatchObject({
      action: "unknown",
      amount: -2,
      balance_after: 3,
      description: "This transaction type is not documented yet; see the web dashboard for details.",
    });
  });

  it("answers 401 with missing_api_key, invalid_api_key and api_key_revoked", async () => {
    const creator = await createCreator(db);
    expect(await get("")).toEqual({
      status: 401,
      body: { success: false, error: "missing_api_key", message: "Send your API key in the X-API-Key header." },
    });
    expect(await get("", "wgw_unknown")).toEqual({
      status: 401,
      body: { success: false, error: "invalid_api_key", message: "The API key is not valid." },
    });
    await revokeToken(db.prisma, creator.tokenId);
    expect(await get("", creator.token)).toEqual({
      status: 401,
      body: { success: false, error: "api_key_revoked", message: "The API key has been revoked." },
    });
  });

  it.each([
    ["?limit=0", { limit: ["out_of_range"] }],
    ["?limit=101", { limit: ["out_of_range"] }],
    ["?limit=ten", { limit: ["invalid_integer"] }],
    ["?sort=newest", { sort: ["invalid_enum"] }],
    ["?transaction_id=123", { transaction_id: ["invalid_uuid"] }],
    ["?from=2026-13-01", { from: ["invalid_date"] }],
    ["?to=01/31/2026", { to: ["invalid_date"] }],
    ["?from=2026-02-01&to=2026-01-31", { from: ["after_to"] }],
    ["?after=garbage", { after: ["invalid_cursor"] }],
    ["?limit=0&sort=x", { limit: ["out_of_range"], sort: ["invalid_enum"] }],
  ])("answers 422 validation_failed with per-field codes for %s", async (query, details) => {
    const creator = await createCreator(db);
    expect(await get(query, creator.token)).toEqual({
      status: 422,
      body: { success: false, error: "validation_failed", message: "The given data was invalid.", details },
    });
  });

  it("rejects a cursor from the other sort, from other filters, and another account's cursor", async () => {
    const [a, b] = [await createCreator(db), await createCreator(db)];
    for (const who of [a, b]) for (let i = 0; i < 3; i++) await deposit(url, service.token, who.id, 10 + i);
    const cursor = encodeURIComponent((await get("?limit=1", a.token)).body.pagination.next_cursor);
    const invalid = (code: string) => ({
      status: 422,
      body: { success: false, error: "validation_failed", message: "The given data was invalid.", details: { after: [code] } },
    });
    expect(await get(`?limit=1&sort=date_asc&after=${cursor}`, a.token)).toEqual(invalid("cursor_sort_mismatch"));
    expect(await get(`?limit=1&from=2020-01-01&after=${cursor}`, a.token)).toEqual(invalid("cursor_filter_mismatch"));
    expect(await get(`?limit=1&after=${cursor}`, b.token)).toEqual(invalid("cursor_filter_mismatch"));
  });

  it("answers 500 with the fixed body and no internal detail when something unexpected fails", async () => {
    const creator = await createCreator(db);
    // An amount beyond 2^53 cannot be rendered exactly: the resolver refuses instead of rounding.
    await db.prisma.ledgerEntry.create({
      data: {
        walletId: creator.walletId,
        movementId: randomUUID(),
        amount: 2n ** 60n,
        bucket: "AVAILABLE",
        balanceAfter: 2n ** 60n,
        type: "DEPOSIT",
        status: "AVAILABLE",
      },
    });
    expect(await get("", creator.token)).toEqual({
      status: 500,
      body: { success: false, error: "server_error", message: "Server error" },
    });
  });
});
