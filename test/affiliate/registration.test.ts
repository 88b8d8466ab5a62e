import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { buildApp, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { type FreshDatabase, freshDatabase } from "../helpers/fresh-database.ts";
import { legacy } from "../helpers/legacy.ts";
import { createService, recordSale } from "../helpers/money.ts";

const registration = (extra: Record<string, unknown> = {}) => ({
  email: uniqueEmail("joiner"),
  password: "correct horse",
  display_name: "New Creator",
  currency: "USD",
  ...extra,
});

describe("POST /api/register", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  const referralOf = (accountId: number) => db.prisma.referral.findUnique({ where: { referredId: accountId } });

  it("creates the account, its wallet and a working token; the password is stored only as an scrypt hash", async () => {
    const body = registration();
    const res = await legacy(url, "/api/register", { body });
    expect(res).toEqual({
      status: 200,
      body: {
        success: true,
        errors_message: null,
        data: {
          token: expect.stringMatching(/^wgw_/),
          user: { id: expect.any(Number), email: body.email, display_name: "New Creator", currency_code: "USD" },
          account_group: { role: "standalone", master_id: null, linked_accounts: [] },
        },
      },
    });
    const account = await db.prisma.account.findUniqueOrThrow({
      where: { id: res.body.data.user.id },
      include: { wallet: true },
    });
    expect(account.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(account.passwordHash).not.toContain("correct horse");
    expect(account.wallet?.available).toBe(0n);
    expect((await legacy(url, "/api/wallet", { token: res.body.data.token })).status).toBe(200);
    expect(await referralOf(account.id)).toBeNull();
  });

  it("resolves the referral from an invite code (case-insensitive) with the invitation's fee", async () => {
    const inviter = await createCreator(db);
    const code = (await legacy(url, "/api/affiliate/invitation/code?fee_percentage=2.5", { token: inviter.token })).body.data
      .code as string;
    const res = await legacy(url, "/api/register", {
      body: registration({ invite_code: ` ${code.toLowerCase()} `, fee_percentage: 9 }),
    });
    expect(res.status).toBe(200);
    const referral = await referralOf(res.body.data.user.id);
    expect([referral?.referrerId, referral?.feeBps, referral?.invitationId !== null]).toEqual([inviter.id, 250, true]);
  });

  it("resolves the referral from master_id with the given fee, or the default fee", async () => {
    const inviter = await createCreator(db);
    const withFee = await legacy(url, "/api/register", { body: registration({ master_id: inviter.id, fee_percentage: 3.5 }) });
    const withDefault = await legacy(url, "/api/register", { body: registration({ master_id: String(inviter.id) }) });
    expect((await referralOf(withFee.body.data.user.id))?.feeBps).toBe(350);
    expect((await referralOf(withDefault.body.data.user.id))?.feeBps).toBe(500);
    expect((await referralOf(withDefault.body.data.user.id))?.referrerId).toBe(inviter.id);
  });

  it.each([
    [{ invite_code: "ABC234", master_id: 1 }, "The invite_code and master_id fields cannot be used together: send one of them."],
    [{ master_id: 1, fee_percentage: 10.5 }, "The fee_percentage field must be between 0 and 10."],
    [{ invite_code: "NOPE99" }, "No invitation has the code NOPE99"],
    [{ master_id: 99999999 }, "No creator has the id 99999999"],
    [{ email: undefined }, "The email field is required."],
    [{ email: "not-an-email" }, "email: Invalid email address"],
    [{ password: "short" }, "The password field must be at least 8 characters."],
    [{ currency: "XXX" }, "The currency field unknown currency XXX."],
    [{ master_id: "abc" }, "The master_id field must be a positive integer."],
  ])("answers 422 naming the problem for %j", async (extra, message) => {
    const body = registration(extra);
    const res = await legacy(url, "/api/register", { body });
    expect(res).toEqual({ status: 422, body: { success: false, errors_message: message, data: null } });
    if (typeof body.email === "string")
      expect(await db.prisma.account.count({ where: { email: body.email.toLowerCase() } })).toBe(0);
  });

  it("refuses a taken email (so nobody can register as their own referral)", async () => {
    const inviter = await createCreator(db);
    const code = (await legacy(url, "/api/affiliate/invitation/code", { token: inviter.token })).body.data.code;
    const res = await legacy(url, "/api/register", {
      body: registration({ email: inviter.email.toUpperCase(), invite_code: code }),
    });
    expect(res).toEqual({
      status: 422,
      body: { success: false, errors_message: `An account with email ${inviter.email} already exists`, data: null },
    });
    expect(await db.prisma.referral.count({ where: { referrerId: inviter.id } })).toBe(0);
  });

  it("registers one of eight simultaneous sign-ups with one email; the others are told it is taken, none is a 500", async () => {
    const body = registration();
    const answers = await Promise.all(Array.from({ length: 8 }, () => legacy(url, "/api/register", { body })));
    const taken = {
      status: 422,
      body: { success: false, errors_message: `An account with email ${body.email} already exists`, data: null },
    };
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200)).toEqual(Array.from({ length: 7 }, () => taken));
    expect(await db.prisma.account.count({ where: { email: body.email } })).toBe(1);
  });

  it("gives a display name's slug to its first holder and a suffixed one to the next, both registered", async () => {
    const name = `Slug Owner ${randomUUID().slice(0, 8)}`;
    const base = name.toLowerCase().replaceAll(" ", "-");
    const ids: number[] = [];
    for (const body of [registration({ display_name: name }), registration({ display_name: name })]) {
      const res = await legacy(url, "/api/register", { body });
      expect(res.status).toBe(200);
      ids.push((await db.prisma.account.findUniqueOrThrow({ where: { email: body.email } })).id);
    }
    const slugs = await Promise.all(ids.map(async (id) => (await db.prisma.account.findUniqueOrThrow({ where: { id } })).slug));
    expect(slugs[0]).toBe(base);
    expect(slugs[1]).toMatch(new RegExp(`^${base}-[0-9a-f]{8}$`));
  });

  it("answers 422 for a body that is not a JSON object", async () => {
    const res = await fetch(`${url}/api/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "[1,2",
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 422,
      body: { success: false, errors_message: "The request body must be a JSON object.", data: null },
    });
  });

  it("affiliate revenue from a referred creator's sale shows in /api/wallet, /api/wallet/affiliate and /api/affiliate/revenue", async () => {
    const inviter = await createCreator(db);
    const code = (await legacy(url, "/api/affiliate/invitation/code?fee_percentage=10", { token: inviter.token })).body.data.code;
    const joined = await legacy(url, "/api/register", { body: registration({ invite_code: code }) });
    const service = await createService(db);
    await recordSale(url, service.token, joined.body.data.user.id, 1234);
    const wallet = await legacy(url, "/api/wallet", { token: inviter.token });
    expect(wallet.body.data).toMatchObject({ available: 123, referral_revenue: 123, total: 123 });
    expect(wallet.body.data.transactions.data).toEqual([
      expect.objectContaining({ amount: 123, type: "affiliate_earning", title: "Referral revenue" }),
    ]);
    for (const path of ["/api/wallet/affiliate", "/api/affiliate/revenue"]) {
      const res = await legacy(url, path, { token: inviter.token });
      expect(res.body.data.referral_revenue).toBe(123);
      expect(res.body.data.transactions.data.map((t: { amount: number; type: string }) => [t.amount, t.type])).toEqual([
        [123, "affiliate_earning"],
      ]);
    }
    expect((await legacy(url, "/api/wallet", { token: joined.body.data.token })).body.data).toMatchObject({
      hold: 1234,
      referral_revenue: 0,
    });
  });
});

describe("a registration that fails leaves nothing behind", () => {
  let fresh: FreshDatabase;
  let db: Database;
  let app: ReturnType<typeof buildApp>;
  beforeAll(async () => {
    fresh = await freshDatabase({ migrated: true });
    db = await fresh.open();
    app = buildApp(db);
  });
  afterAll(async () => {
    await db.close();
    await fresh.drop();
  });

  /** Row counts of every table of the schema (its own database: nothing else writes to it). */
  async function countEveryTable(): Promise<Record<string, number>> {
    const tables = await db.pool.withSession((s) =>
      s.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
      ),
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await db.pool.withSession((s) => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`));
      counts[table_name] = row!.n;
    }
    return counts;
  }

  it("a currency mismatch with the inviter fails clearly and writes no account, wallet, token or referral", async () => {
    const inviter = await createCreator(db, { currency: "USD" });
    const code = await (
      await app.fetch("http://t/api/affiliate/invitation/code", { headers: { authorization: `Bearer ${inviter.token}` } })
    ).json();
    const before = await countEveryTable();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["accounts", "wallets", "api_tokens", "referrals", "ledger_entries", "dashboard_rollups"]),
    );
    for (const body of [
      registration({ currency: "EUR", invite_code: code.data.code }),
      registration({ currency: "GBP", master_id: inviter.id }),
    ]) {
      const res = await app.fetch("http://t/api/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 422,
        body: {
          success: false,
          errors_message: `The inviter's wallet is in USD; an account registered with this invitation must use USD, not ${body.currency}`,
          data: null,
        },
      });
    }
    expect(await countEveryTable()).toEqual(before);
  });
});
