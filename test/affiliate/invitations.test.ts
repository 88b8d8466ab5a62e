import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";

const LINK = /^https:\/\/fangate\.info\/applink\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

describe("affiliate invitations", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("GET /api/affiliate/invitation returns the link as a string, with the default fee from the settings table", async () => {
    const me = await createCreator(db);
    const res = await legacy(url, "/api/affiliate/invitation", { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, errors_message: null, data: expect.stringMatching(LINK) });
    const uuid = (res.body.data as string).match(LINK)![1];
    const row = await db.prisma.affiliateInvitation.findUniqueOrThrow({ where: { uuid } });
    expect([row.inviterId, row.feeBps]).toEqual([me.id, 500]);
  });

  it("reuses the invitation for the same fee, and makes a new one for another fee", async () => {
    const me = await createCreator(db);
    const a = await legacy(url, "/api/affiliate/invitation?fee_percentage=4.5", { token: me.token });
    const b = await legacy(url, "/api/affiliate/invitation?fee_percentage=4.50", { token: me.token });
    const c = await legacy(url, "/api/affiliate/invitation?fee_percentage=3", { token: me.token });
    const code = await legacy(url, "/api/affiliate/invitation/code?fee_percentage=4.5", { token: me.token });
    expect(a.body.data).toBe(b.body.data);
    expect(c.body.data).not.toBe(a.body.data);
    expect(await db.prisma.affiliateInvitation.count({ where: { inviterId: me.id } })).toBe(2);
    const row = await db.prisma.affiliateInvitation.findUniqueOrThrow({
      where: { inviterId_feeBps: { inviterId: me.id, feeBps: 450 } },
    });
    expect(code).toEqual({ status: 200, body: { success: true, errors_message: null, data: { code: row.code } } });
    expect(a.body.data).toBe(`https://fangate.info/applink/${row.uuid}`);
    const concurrent = await Promise.all(
      Array.from({ length: 8 }, () => legacy(url, "/api/affiliate/invitation?fee_percentage=7", { token: me.token })),
    );
    expect(new Set(concurrent.map((r) => r.body.data)).size).toBe(1);
  });

  it.each([
    ["11", "The fee_percentage field must be between 0 and 10."],
    ["10.01", "The fee_percentage field must be between 0 and 10."],
    ["-1", "The fee_percentage field must be between 0 and 10."],
    ["abc", "The fee_percentage field must be a number."],
    ["2.555", "The fee_percentage field must have at most two decimals."],
  ])("caps fee_percentage server-side: %s -> 422", async (fee, message) => {
    const me = await createCreator(db);
    for (const path of ["/api/affiliate/invitation", "/api/affiliate/invitation/code"]) {
      expect(await legacy(url, `${path}?fee_percentage=${fee}`, { token: me.token })).toEqual({
        status: 422,
        body: { success: false, errors_message: message, data: null },
      });
    }
    expect(await db.prisma.affiliateInvitation.count({ where: { inviterId: me.id } })).toBe(0);
  });

  it("accepts the bounds 0 and 10", async () => {
    const me = await createCreator(db);
    for (const fee of ["0", "10"])
      expect((await legacy(url, `/api/affiliate/invitation?fee_percentage=${fee}`, { token: me.token })).status).toBe(200);
    const fees = (await db.prisma.affiliateInvitation.findMany({ where: { inviterId: me.id }, orderBy: { feeBps: "asc" } })).map(
      (i) => i.feeBps,
    );
    expect(fees).toEqual([0, 1000]);
  });

  it("generates unique, non-sequential, human-typable codes", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const me = await createCreator(db);
      codes.push((await legacy(url, "/api/affiliate/invitation/code", { token: me.token })).body.data.code);
    }
    expect(new Set(codes).size).toBe(30);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    const sorted = [...codes].sort();
    expect(codes).not.toEqual(sorted);
  });

  it("answers 401 without a token", async () => {
    for (const path of ["/api/affiliate/invitation", "/api/affiliate/invitation/code", "/api/affiliate/invited"]) {
      expect(await legacy(url, path)).toEqual({
        status: 401,
        body: { success: false, errors_message: "Unauthenticated.", data: null },
      });
    }
  });

  it("lists invited creators (REST and GraphQL, with revenue per creator) and counts registrations", async () => {
    const me = await createCreator(db);
    const code = (await legacy(url, "/api/affiliate/invitation/code?fee_percentage=4", { token: me.token })).body.data.code;
    const joined = [];
    for (const name of ["One", "Two"]) {
      const email = uniqueEmail("invited");
      const res = await legacy(url, "/api/register", {
        body: { email, password: "password123", display_name: name, currency: "USD", invite_code: code.toLowerCase() },
      });
      expect(res.status).toBe(200);
      joined.push({ id: res.body.data.user.id, email });
    }
    expect(await legacy(url, "/api/affiliate/invited", { token: me.token })).toEqual({
      status: 200,
      body: { success: true, errors_message: null, data: joined.map((j) => ({ ...j, fee_percentage: 4 })) },
    });
    const service = await createCreator(db, { service: true });
    await gql(
      url,
      `mutation { recordSale(input: { accountId: ${joined[0]!.id}, amount: 2500, externalId: "inv-${joined[0]!.id}" }) { __typename } }`,
      { token: service.token },
    );
    const graph = await gql<{
      viewer: {
        affiliate: {
          referralRevenue: { amount: number };
          invitation: { registrations: number; feePercentage: string };
          invited: { totalCount: number; nodes: { accountId: number; revenue: { amount: number }; feeBasisPoints: number }[] };
        };
      };
    }>(
      url,
      `{ viewer { affiliate { referralRevenue { amount } invitation(feeBasisPoints: 400) { ... on Invitation { registrations feePercentage } }
        invited { ... on InvitedConnection { totalCount nodes { accountId revenue { amount } feeBasisPoints } } } } } }`,
      { token: me.token },
    );
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data?.viewer.affiliate).toEqual({
      referralRevenue: { amount: 100 },
      invitation: { registrations: 2, feePercentage: "4" },
      invited: {
        totalCount: 2,
        nodes: [
          { accountId: joined[0]!.id, revenue: { amount: 100 }, feeBasisPoints: 400 },
          { accountId: joined[1]!.id, revenue: { amount: 0 }, feeBasisPoints: 400 },
        ],
      },
    });
  });
});
