import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { uniqueEmail } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";

describe("login and batch login", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  async function registered(extra: Record<string, unknown> = {}) {
    const body = { email: uniqueEmail("login"), password: "s3cret-pass", display_name: "Logger", currency: "EUR", ...extra };
    const res = await legacy(url, "/api/register", { body });
    expect(res.status).toBe(200);
    return { ...body, id: res.body.data.user.id as number };
  }

  it("POST /api/login answers a new working token with the user and account_group", async () => {
    const me = await registered();
    const res = await legacy(url, "/api/login", { body: { email: me.email.toUpperCase(), password: me.password } });
    expect(res).toEqual({
      status: 200,
      body: {
        success: true,
        errors_message: null,
        data: {
          token: expect.stringMatching(/^wgw_/),
          user: { id: me.id, email: me.email, display_name: "Logger", currency_code: "EUR" },
          account_group: { role: "standalone", master_id: null, linked_accounts: [] },
        },
      },
    });
    expect((await legacy(url, "/api/wallet", { token: res.body.data.token })).status).toBe(200);
    expect(await db.prisma.apiToken.count({ where: { accountId: me.id } })).toBe(2);
  });

  it("answers a wrong password and an unknown email identically (401), issuing no token", async () => {
    const me = await registered();
    const wrong = await legacy(url, "/api/login", { body: { email: me.email, password: "not-it-at-all" } });
    const unknown = await legacy(url, "/api/login", { body: { email: uniqueEmail("ghost"), password: "not-it-at-all" } });
    const expected = { status: 401, body: { success: false, errors_message: "Invalid email or password", data: null } };
    expect(wrong).toEqual(expected);
    expect(unknown).toEqual(expected);
    expect(await db.prisma.apiToken.count({ where: { accountId: me.id } })).toBe(1);
    expect(await legacy(url, "/api/login", { body: { email: me.email } })).toEqual({
      status: 422,
      body: { success: false, errors_message: "The password field is required.", data: null },
    });
  });

  it("shows a master its linked accounts and a child its master", async () => {
    const [master, child] = [await registered(), await registered()];
    await db.prisma.accountGroupMember.create({ data: { masterId: master.id, childId: child.id } });
    const asMaster = await legacy(url, "/api/login", { body: { email: master.email, password: master.password } });
    expect(asMaster.body.data.account_group).toEqual({
      role: "master",
      master_id: null,
      linked_accounts: [{ user_id: child.id, email: child.email, display_name: "Logger", currency_code: "EUR" }],
    });
    const asChild = await legacy(url, "/api/login", { body: { email: child.email, password: child.password } });
    expect(asChild.body.data.account_group).toEqual({ role: "child", master_id: master.id, linked_accounts: [] });
  });

  it("POST /api/login/batch answers one row per account, good and bad mixed", async () => {
    const [a, b] = [await registered(), await registered()];
    const res = await legacy(url, "/api/login/batch", {
      body: {
        accounts: [
          { email: a.email, password: a.password },
          { email: b.email, password: "wrong-password" },
          { email: uniqueEmail("ghost"), password: "whatever1" },
          { email: b.email, password: b.password },
          { email: "", password: "" },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data.map((r: { success: boolean; errors_message: string | null }) => [r.success, r.errors_message])).toEqual([
      [true, null],
      [false, "Invalid email or password"],
      [false, "Invalid email or password"],
      [true, null],
      [false, "email: is required; password: is required"],
    ]);
    expect(res.body.data[0]).toMatchObject({ email: a.email, token: expect.stringMatching(/^wgw_/), user: { id: a.id } });
    expect(res.body.data[1]).toEqual({ email: b.email, success: false, errors_message: "Invalid email or password" });
  });

  it("limits a batch to 10 accounts and requires the accounts list", async () => {
    const eleven = Array.from({ length: 11 }, () => ({ email: uniqueEmail(), password: "x" }));
    expect(await legacy(url, "/api/login/batch", { body: { accounts: eleven } })).toEqual({
      status: 422,
      body: { success: false, errors_message: "The accounts field must list at most 10 accounts.", data: null },
    });
    expect(await legacy(url, "/api/login/batch", { body: {} })).toEqual({
      status: 422,
      body: { success: false, errors_message: "The accounts field must be a list of {email, password}.", data: null },
    });
  });

  it("GraphQL login and register answer typed errors", async () => {
    const me = await registered();
    const login = await gql(url, `mutation($i: LoginInput!) { login(input: $i) { __typename ... on Error { code message } } }`, {
      variables: { i: { email: me.email, password: "wrong-wrong" } },
    });
    expect(login.body.data).toEqual({
      login: { __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password" },
    });
    const taken = await gql(
      url,
      `mutation($i: RegisterInput!) { register(input: $i) { __typename ... on EmailTakenError { email } } }`,
      {
        variables: { i: { email: me.email, password: "longenough", displayName: "X", currency: "EUR" } },
      },
    );
    expect(taken.body.data).toEqual({ register: { __typename: "EmailTakenError", email: me.email } });
  });
});
