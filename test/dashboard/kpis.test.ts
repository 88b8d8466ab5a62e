import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { conversionRate } from "../../src/modules/dashboard/dashboard.service.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";
import { createService, mutate, recordSale } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

type Actor = Awaited<ReturnType<typeof createCreator>>;

describe("dashboard KPIs (pre-aggregated on write)", () => {
  let db: Database;
  let url: string;
  let service: Actor;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    service = await createService(db);
  });

  async function product(owner: Actor, title: string, opts: { media?: boolean; views?: number; sales?: number[] } = {}) {
    const { product: created } = await mutate<{ product: { id: number } }>(
      url,
      service.token,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { ... on CreateProductPayload { product { id: legacyId } } ... on Error { message } } }`,
      {
        input: {
          accountId: owner.id,
          externalId: randomUUID(),
          title,
          mediaComplete: opts.media ?? true,
          thumbnailUrl: `https://cdn.example.com/${title}.jpg`,
          price: 100,
        },
      },
    );
    const slug = `s-${randomUUID().slice(0, 12)}`;
    await mutate(
      url,
      service.token,
      `mutation { createShortLink(input: { accountId: ${owner.id}, slug: "${slug}", productId: ${created.id} }) { __typename } }`,
    );
    for (let i = 0; i < (opts.views ?? 0); i++) {
      await mutate(
        url,
        service.token,
        `mutation { recordLinkView(input: { slug: "${slug}", eventId: "${randomUUID()}" }) { __typename } }`,
      );
    }
    for (const amount of opts.sales ?? []) {
      await mutate(url, service.token, `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename } }`, {
        input: { accountId: owner.id, amount, productId: created.id, externalId: randomUUID() },
      });
    }
    return { ...created, slug };
  }

  it("rounds conversion to 4 decimals, half up, and answers 0 without clicks", () => {
    expect(conversionRate(0n, 0n)).toBe("0");
    expect(conversionRate(5n, 0n)).toBe("0");
    expect(conversionRate(1n, 3n)).toBe("0.3333");
    expect(conversionRate(2n, 3n)).toBe("0.6667");
    expect(conversionRate(1n, 8n)).toBe("0.125");
    expect(conversionRate(1n, 20_000n)).toBe("0.0001"); // 0.00005 rounds up
    expect(conversionRate(3n, 3n)).toBe("1");
  });

  it("computes every KPI from hand-built data: counts, clicks, unlocks, revenue, conversion and the top 5 with ties", async () => {
    const me = await createCreator(db);
    const a = await product(me, "a", { views: 4, sales: [100, 200] }); //    2/4  = 0.5
    const b = await product(me, "b", { views: 2, sales: [300] }); //         1/2  = 0.5, fewer unlocks than a
    const c = await product(me, "c", { views: 3, sales: [50, 50, 50] }); //  3/3  = 1
    const d = await product(me, "d", { views: 5, sales: [] }); //            0/5  = 0
    const e = await product(me, "e", { views: 0, sales: [700] }); //         no clicks: 0, 1 unlock
    const f = await product(me, "f", { views: 10, sales: [10] }); //         0.1
    const g = await product(me, "g", { media: false, views: 1, sales: [5] }); // 1/1 = 1, media incomplete
    const h = await product(me, "h", { views: 2, sales: [150] }); //         1/2 = 0.5, same unlocks as b, less revenue
    await recordSale(url, service.token, me.id, 999); // a sale without a product: wallet money, not product revenue

    const res = await legacy(url, "/api/dashboard/summary", { token: me.token });
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect({
      total_content_items: data.total_content_items,
      total_link_clicks: data.total_link_clicks,
      total_unlocks: data.total_unlocks,
      total_product_revenue: data.total_product_revenue,
      overall_conversion_rate: data.overall_conversion_rate,
    }).toEqual({
      total_content_items: 7, // every product but g
      total_link_clicks: 27,
      total_unlocks: 10,
      total_product_revenue: 1615,
      overall_conversion_rate: 0.3704, // 10 / 27 = 0.37037...
    });
    expect(data.wallet_balance).toEqual({ available: 0, hold: 2614, pending: 0, total: 2614 });
    // Ranked by conversion; ties by unlocks, then revenue, then id.
    expect(
      data.top_performing.map((p: { product_id: number; conversion_rate: number }) => [p.product_id, p.conversion_rate]),
    ).toEqual([
      [c.id, 1],
      [g.id, 1],
      [a.id, 0.5],
      [b.id, 0.5],
      [h.id, 0.5],
    ]);
    expect(data.top_performing[0]).toEqual({
      product_id: c.id,
      user_id: me.id,
      title: "c",
      thumbnail_url: "https://cdn.example.com/c.jpg",
      unlocks: 3,
      link_clicks: 3,
      conversion_rate: 1,
      revenue: 150,
      currency_code: "USD",
    });
    expect([d.id, e.id, f.id]).not.toContain(data.top_performing[4].product_id);
    const graph = await gql<{ viewer: { dashboard: unknown } }>(
      url,
      `{ viewer { dashboard { totalProductRevenue { amount formatted } walletBalance { hold { amount formatted } }
        topPerforming { revenue { amount currency { code } } } } } }`,
      { token: me.token },
    );
    expect(graph.body.data?.viewer.dashboard).toMatchObject({
      totalProductRevenue: { amount: 1615, formatted: "$16.15" },
      walletBalance: { hold: { amount: 2614, formatted: "$26.14" } },
      topPerforming: expect.arrayContaining([{ revenue: { amount: 150, currency: { code: "USD" } } }]),
    });
  });

  it("a product's media flag moves the content-items counter both ways; repeated view events count once", async () => {
    const me = await createCreator(db);
    const p = await product(me, "flip", { media: false });
    const kpi = async () => (await legacy(url, "/api/dashboard/summary", { token: me.token })).body.data;
    expect((await kpi()).total_content_items).toBe(0);
    await mutate(
      url,
      service.token,
      `mutation { updateProduct(input: { productId: ${p.id}, mediaComplete: true }) { __typename } }`,
    );
    await mutate(
      url,
      service.token,
      `mutation { updateProduct(input: { productId: ${p.id}, mediaComplete: true, title: "same" }) { __typename } }`,
    );
    expect((await kpi()).total_content_items).toBe(1);
    await mutate(
      url,
      service.token,
      `mutation { updateProduct(input: { productId: ${p.id}, mediaComplete: false }) { __typename } }`,
    );
    expect((await kpi()).total_content_items).toBe(0);
    const event = randomUUID();
    for (let i = 0; i < 3; i++)
      await mutate(
        url,
        service.token,
        `mutation { recordLinkView(input: { slug: "${p.slug}", eventId: "${event}" }) { __typename } }`,
      );
    expect((await kpi()).total_link_clicks).toBe(1);
  });

  it("a zero-data account: zeros, rate 0, no products", async () => {
    const me = await createCreator(db, { currency: "GBP" });
    const data = (await legacy(url, "/api/dashboard/summary", { token: me.token })).body.data;
    expect(data).toEqual({
      currency_unified: true,
      accounts: [
        {
          user_id: me.id,
          email: me.email,
          display_name: "Test Creator",
          currency_id: expect.any(Number),
          currency_code: "GBP",
          wallet_balance: { available: 0, hold: 0, pending: 0, total: 0 },
        },
      ],
      wallet_balance: { available: 0, hold: 0, pending: 0, total: 0 },
      total_content_items: 0,
      total_link_clicks: 0,
      total_unlocks: 0,
      total_product_revenue: 0,
      overall_conversion_rate: 0,
      top_performing: [],
    });
  });

  it("unified currencies sum wallets; mixed currencies give per-currency totals in GraphQL, never null", async () => {
    const [master, usd, eur] = [await createCreator(db), await createCreator(db), await createCreator(db, { currency: "EUR" })];
    await product(usd, "u", { views: 2, sales: [400] });
    await product(eur, "e", { views: 1, sales: [250] });
    await recordSale(url, service.token, master.id, 100);
    await legacy(url, "/api/user/linked-accounts", { token: master.token, body: { token: usd.token } });
    const unified = (await legacy(url, "/api/dashboard/summary/aggregate", { token: master.token, body: {} })).body.data;
    expect([unified.currency_unified, unified.wallet_balance, unified.total_product_revenue]).toEqual([
      true,
      { available: 0, hold: 500, pending: 0, total: 500 },
      400,
    ]);
    await legacy(url, "/api/user/linked-accounts", { token: master.token, body: { token: eur.token } });
    const mixed = (await legacy(url, "/api/dashboard/summary/aggregate", { token: master.token, body: {} })).body.data;
    expect([mixed.currency_unified, mixed.wallet_balance, mixed.total_product_revenue]).toEqual([false, null, 650]);
    const graph = await gql<{
      viewer: { aggregateDashboard: { totalsByCurrency: unknown[]; asOf: string; totalProductRevenue: unknown } };
    }>(
      url,
      `{ viewer { aggregateDashboard { ... on DashboardSummary { asOf totalProductRevenue { amount }
        totalsByCurrency { currencyCode productRevenue { amount formatted } walletBalance { hold { amount } total { amount currency { code } } } } } } } }`,
      { token: master.token },
    );
    expect(graph.body.data?.viewer.aggregateDashboard.totalsByCurrency).toEqual([
      {
        currencyCode: "USD",
        productRevenue: { amount: 400, formatted: "$4.00" },
        walletBalance: { hold: { amount: 500 }, total: { amount: 500, currency: { code: "USD" } } },
      },
      {
        currencyCode: "EUR",
        productRevenue: { amount: 250, formatted: "€2.50" },
        walletBalance: { hold: { amount: 250 }, total: { amount: 250, currency: { code: "EUR" } } },
      },
    ]);
    // Mixed currencies are never summed in GraphQL: the legacy total_product_revenue above is the only place they are.
    expect(graph.body.data?.viewer.aggregateDashboard).toMatchObject({ totalProductRevenue: null });
    expect(Date.now() - Date.parse(graph.body.data!.viewer.aggregateDashboard.asOf)).toBeLessThan(60_000);
  });

  it("the aggregate for a master with 10 children costs the same few statements whatever their history", async () => {
    async function agencyWith(salesPerChild: number) {
      const agency = await createCreator(db);
      for (let i = 0; i < 10; i++) {
        const kid = await createCreator(db, { currency: i % 2 ? "EUR" : "USD" });
        await product(kid, `k${i}`, { views: 1, sales: Array.from({ length: salesPerChild }, () => 10) });
        await legacy(url, "/api/user/linked-accounts", { token: agency.token, body: { token: kid.token } });
      }
      return agency;
    }
    const aggregate = (agency: Actor) =>
      fetch(`${url}/api/dashboard/summary/aggregate`, {
        method: "POST",
        headers: { authorization: `Bearer ${agency.token}` },
        body: "{}",
      }).then((r) => r.json());
    const statements = async (agency: Actor) => {
      await aggregate(agency); // the token is read once, then kept
      return (await countStatements(db, () => aggregate(agency))).count;
    };
    const quiet = await agencyWith(0);
    const busy = await agencyWith(6);
    // account group, wallets, rollups, top products
    expect(await statements(quiet)).toBe(4);
    expect(await statements(busy)).toBe(4);
  });
});
