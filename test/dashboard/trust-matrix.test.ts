import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { revokeToken } from "../../src/modules/accounts/token.service.ts";
import { startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";

type Actor = Awaited<ReturnType<typeof createCreator>>;
const UNAUTHENTICATED = { status: 401, body: { success: false, errors_message: "Unauthenticated.", data: null } };
const CHILD_REFUSED = {
  status: 403,
  body: { success: false, errors_message: "Child accounts cannot aggregate other accounts.", data: null },
};

describe("who may see and combine whose data (authorization matrix over HTTP)", () => {
  let db: Database;
  let url: string;
  let standalone: Actor, master: Actor, child: Actor, euroChild: Actor, unrelated: Actor, revoked: Actor;

  const link = (by: Actor, proof: Record<string, string>) =>
    legacy(url, "/api/user/linked-accounts", { token: by.token, body: proof });
  const accountsOf = (res: { body: { data: { accounts: { user_id: number }[] } } }) =>
    res.body.data.accounts.map((a) => a.user_id);
  const summary = (who: Actor) => legacy(url, "/api/dashboard/summary", { token: who.token });
  const aggregate = (who: Actor, body?: unknown) =>
    legacy(url, "/api/dashboard/summary/aggregate", { token: who.token, body: body ?? {} });

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    standalone = await createCreator(db, { name: "Standalone" });
    master = await createCreator(db, { name: "Agency" });
    child = await createCreator(db, { name: "Child USD" });
    euroChild = await createCreator(db, { name: "Child EUR", currency: "EUR" });
    unrelated = await createCreator(db, { name: "Unrelated" });
    revoked = await createCreator(db, { name: "Revoked" });
    await revokeToken(db.prisma, revoked.tokenId);
    expect((await link(master, { token: child.token })).status).toBe(200);
    expect((await link(master, { token: euroChild.token })).status).toBe(200);
  });

  it("GET /api/dashboard/summary: every account sees only itself; a revoked token gets 401", async () => {
    for (const who of [standalone, master, child, unrelated]) {
      const res = await summary(who);
      expect(res.status).toBe(200);
      expect(res.body.data.currency_unified).toBe(true);
      expect(accountsOf(res)).toEqual([who.id]);
      expect(res.body.data.wallet_balance).toEqual({ available: 0, hold: 0, pending: 0, total: 0 });
    }
    expect(await summary(revoked)).toEqual(UNAUTHENTICATED);
    expect(await legacy(url, "/api/dashboard/summary")).toEqual(UNAUTHENTICATED);
  });

  it("aggregate without tokens: a master gets itself and every linked child, others only themselves", async () => {
    const asMaster = await aggregate(master);
    expect(accountsOf(asMaster)).toEqual([master.id, child.id, euroChild.id]);
    expect(asMaster.body.data.currency_unified).toBe(false);
    expect(asMaster.body.data.wallet_balance).toBeNull();
    expect(
      asMaster.body.data.accounts.map((a: { currency_code: string; wallet_balance: unknown }) => [
        a.currency_code,
        a.wallet_balance,
      ]),
    ).toEqual([
      ["USD", { available: 0, hold: 0, pending: 0, total: 0 }],
      ["USD", { available: 0, hold: 0, pending: 0, total: 0 }],
      ["EUR", { available: 0, hold: 0, pending: 0, total: 0 }],
    ]);
    for (const who of [standalone, child, unrelated]) expect(accountsOf(await aggregate(who))).toEqual([who.id]);
    expect(await aggregate(revoked)).toEqual(UNAUTHENTICATED);
  });

  it("aggregate with foreign tokens: they never add an account; a child that sends any gets 403", async () => {
    const foreign = { additional_tokens: [unrelated.token, standalone.token] };
    expect(accountsOf(await aggregate(master, foreign))).toEqual([master.id, child.id, euroChild.id]);
    expect(accountsOf(await aggregate(standalone, { additional_tokens: [unrelated.token, master.token] }))).toEqual([
      standalone.id,
    ]);
    expect(accountsOf(await aggregate(unrelated, { additional_tokens: [master.token, child.token] }))).toEqual([unrelated.id]);
    expect(await aggregate(child, foreign)).toEqual(CHILD_REFUSED);
    expect(await aggregate(child, { additional_tokens: [] })).toEqual(CHILD_REFUSED);
    expect(await aggregate(euroChild, { additional_tokens: [master.token] })).toEqual(CHILD_REFUSED);
    expect(await aggregate(revoked, foreign)).toEqual(UNAUTHENTICATED);
    expect(await aggregate(standalone, { additional_tokens: "nope" })).toEqual({
      status: 422,
      body: { success: false, errors_message: "The additional_tokens field must be a list of strings.", data: null },
    });
  });

  it("GET /api/user/linked-accounts shows each account its own place in the group", async () => {
    expect(await legacy(url, "/api/user/linked-accounts", { token: master.token })).toEqual({
      status: 200,
      body: {
        success: true,
        errors_message: null,
        data: {
          role: "master",
          master_id: null,
          linked_accounts: [
            { user_id: child.id, email: child.email, display_name: "Child USD", currency_code: "USD" },
            { user_id: euroChild.id, email: euroChild.email, display_name: "Child EUR", currency_code: "EUR" },
          ],
        },
      },
    });
    expect((await legacy(url, "/api/user/linked-accounts", { token: child.token })).body.data).toEqual({
      role: "child",
      master_id: master.id,
      linked_accounts: [],
    });
    expect((await legacy(url, "/api/user/linked-accounts", { token: standalone.token })).body.data).toEqual({
      role: "standalone",
      master_id: null,
      linked_accounts: [],
    });
    expect(await legacy(url, "/api/user/linked-accounts", { token: revoked.token })).toEqual(UNAUTHENTICATED);
  });

  it("child sessions: only the master of that child gets a token, and it acts as the child", async () => {
    const session = await legacy(url, `/api/user/linked-accounts/${child.id}/session`, { method: "POST", token: master.token });
    expect(session.status).toBe(200);
    expect(session.body.data.user).toEqual({ id: child.id, email: child.email, display_name: "Child USD", currency_code: "USD" });
    expect(session.body.data.account_group).toEqual({ role: "child", master_id: master.id, linked_accounts: [] });
    expect(accountsOf(await summary({ ...child, token: session.body.data.token }))).toEqual([child.id]);
    const row = await db.prisma.apiToken.findFirstOrThrow({ where: { accountId: child.id, issuedById: master.id } });
    expect(row.name).toBe("master session");
    const notLinked = (id: number) => ({
      status: 404,
      body: { success: false, errors_message: `Account ${id} is not linked to this account`, data: null },
    });
    expect(
      await legacy(url, `/api/user/linked-accounts/${child.id}/session`, { method: "POST", token: unrelated.token }),
    ).toEqual(notLinked(child.id));
    expect(
      await legacy(url, `/api/user/linked-accounts/${child.id}/session`, { method: "POST", token: standalone.token }),
    ).toEqual(notLinked(child.id));
    expect(await legacy(url, `/api/user/linked-accounts/${master.id}/session`, { method: "POST", token: child.token })).toEqual(
      notLinked(master.id),
    );
    expect(await legacy(url, `/api/user/linked-accounts/${child.id}/session`, { method: "POST", token: revoked.token })).toEqual(
      UNAUTHENTICATED,
    );
    expect(await legacy(url, "/api/user/linked-accounts/abc/session", { method: "POST", token: master.token })).toEqual({
      status: 422,
      body: { success: false, errors_message: "The child id must be a positive integer.", data: null },
    });
  });

  it("linking follows the group rules: proof required, one master per child, no master as child, no child linking", async () => {
    const [agency, other, kid, lone] = [
      await createCreator(db),
      await createCreator(db),
      await createCreator(db),
      await createCreator(db),
    ];
    const refused = (message: string) => ({ status: 422, body: { success: false, errors_message: message, data: null } });
    expect(await link(agency, { token: "wgw_forged" })).toEqual(refused("Invalid email or password"));
    expect(await link(agency, { email: kid.email, password: "guess-guess" })).toEqual(refused("Invalid email or password"));
    expect(await link(agency, {})).toEqual(
      refused("The email field is required (with password), or send a token of the account."),
    );
    expect(await link(agency, { token: agency.token })).toEqual(refused("The account field must not be your own account."));
    expect(
      (await link(agency, { token: kid.token })).body.data.linked_accounts.map((a: { user_id: number }) => a.user_id),
    ).toEqual([kid.id]);
    expect(await link(other, { token: kid.token })).toEqual(
      refused(`Account ${kid.id} is already linked to master ${agency.id}`),
    );
    expect(await link(lone, { token: agency.token })).toEqual(
      refused(`Account ${agency.id} is a master account and cannot become a child`),
    );
    expect(await link(kid, { token: lone.token })).toEqual(
      refused(`Account ${kid.id} is a child account and cannot link others`),
    );
    const readOnly = await createCreator(db, { role: "VIEWER" });
    expect(await link(agency, { token: readOnly.token })).toEqual(refused("Invalid email or password"));
    expect(await legacy(url, "/api/user/linked-accounts", { token: revoked.token, body: { token: lone.token } })).toEqual(
      UNAUTHENTICATED,
    );
  });

  it("unlinking revokes the session tokens the former master obtained for that child", async () => {
    const [agency, kid] = [await createCreator(db), await createCreator(db)];
    await link(agency, { token: kid.token });
    const session = await legacy(url, `/api/user/linked-accounts/${kid.id}/session`, { method: "POST", token: agency.token });
    const asKid = { ...kid, token: session.body.data.token as string };
    expect((await summary(asKid)).status).toBe(200);
    expect((await legacy(url, `/api/user/linked-accounts/${kid.id}`, { method: "DELETE", token: agency.token })).status).toBe(
      200,
    );
    expect(await summary(asKid)).toEqual(UNAUTHENTICATED);
    expect((await summary(kid)).status).toBe(200); // the child's own token is untouched
  });

  it("allows at most 10 children; unlinking frees a place and only the master can unlink", async () => {
    const agency = await createCreator(db);
    const kids: Actor[] = [];
    for (let i = 0; i < 10; i++) {
      const kid = await createCreator(db);
      kids.push(kid);
      expect((await link(agency, { token: kid.token })).status).toBe(200);
    }
    const eleventh = await createCreator(db);
    expect(await link(agency, { token: eleventh.token })).toEqual({
      status: 422,
      body: { success: false, errors_message: `Master ${agency.id} already has 10 linked accounts (the maximum)`, data: null },
    });
    expect(
      (await legacy(url, `/api/user/linked-accounts/${kids[0]!.id}`, { method: "DELETE", token: unrelated.token })).status,
    ).toBe(404);
    const unlinked = await legacy(url, `/api/user/linked-accounts/${kids[0]!.id}`, { method: "DELETE", token: agency.token });
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.data.linked_accounts).toHaveLength(9);
    expect((await link(agency, { token: eleventh.token })).status).toBe(200);
    expect(accountsOf(await aggregate(agency))).toEqual([agency.id, ...kids.slice(1).map((k) => k.id), eleventh.id]);
    expect(accountsOf(await aggregate(kids[0]!, { additional_tokens: [agency.token] }))).toEqual([kids[0]!.id]); // no longer a child
  });
});
