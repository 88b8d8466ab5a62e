import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { revokeToken } from "../../src/modules/accounts/token.service.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

const VIEWER = "{ viewer { tokenRole account { id: legacyId email } } }";

describe("token authentication over HTTP", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("resolves the viewer from Authorization: Bearer", async () => {
    const me = await createCreator(db);
    const res = await gql(url, VIEWER, { token: me.token });
    expect(res).toEqual({
      status: 200,
      body: { data: { viewer: { tokenRole: "OWNER", account: { id: me.id, email: me.email } } } },
    });
  });

  it("resolves the viewer from X-API-Key, and accepts both headers when they agree", async () => {
    const me = await createCreator(db, { role: "VIEWER" });
    const expected = {
      status: 200,
      body: { data: { viewer: { tokenRole: "VIEWER", account: { id: me.id, email: me.email } } } },
    };
    expect(await gql(url, VIEWER, { headers: { "x-api-key": me.token } })).toEqual(expected);
    expect(await gql(url, VIEWER, { token: me.token, headers: { "x-api-key": me.token } })).toEqual(expected);
  });

  it("answers 401 UNAUTHENTICATED without a token", async () => {
    const res = await gql(url, VIEWER);
    expect(res.status).toBe(401);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ["Authentication required: send Authorization: Bearer <token> or X-API-Key", "UNAUTHENTICATED"],
    ]);
  });

  it.each([
    ["an unknown token", { authorization: "Bearer wgw_doesnotexist" }, "Invalid API token."],
    ["a token of another format", { "x-api-key": "sk_live_123" }, "Invalid API token."],
    ["a malformed Authorization header", { authorization: "Token abc" }, "The Authorization header must read 'Bearer <token>'."],
  ])("answers 401 for %s", async (_name, headers, message) => {
    const res = await gql(url, VIEWER, { headers });
    expect(res).toEqual({
      status: 401,
      body: { errors: [{ message, extensions: { code: "UNAUTHENTICATED", reason: "invalid_api_key" } }] },
    });
  });

  it("answers 401 when the two headers name different tokens", async () => {
    const [a, b] = [await createCreator(db), await createCreator(db)];
    const res = await gql(url, VIEWER, { token: a.token, headers: { "x-api-key": b.token } });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toBe("Authorization and X-API-Key carry different tokens: send one.");
  });

  it("answers 401 for a revoked token, on both headers, even for fields that need no auth", async () => {
    const me = await createCreator(db);
    await revokeToken(db.prisma, me.tokenId);
    const variants: Record<string, string>[] = [{ authorization: `Bearer ${me.token}` }, { "x-api-key": me.token }];
    for (const headers of variants) {
      const res = await gql(url, "{ __typename }", { headers });
      expect(res).toEqual({
        status: 401,
        body: {
          errors: [
            { message: "This API token has been revoked.", extensions: { code: "UNAUTHENTICATED", reason: "api_key_revoked" } },
          ],
        },
      });
    }
  });

  it("answers 401 for an expired token", async () => {
    const me = await createCreator(db);
    await db.prisma.apiToken.update({ where: { id: me.tokenId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await gql(url, VIEWER, { token: me.token });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toBe("This API token has expired.");
  });

  it("stores only the SHA-256 of a token, never the token", async () => {
    const me = await createCreator(db);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: me.tokenId } });
    expect(row.tokenHash).toBe(createHash("sha256").update(me.token).digest("hex"));
    expect(row.prefix).toBe(me.token.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(me.token.slice(12));
  });

  it("lets a viewer revoke its own token through GraphQL, after which it stops working", async () => {
    const me = await createCreator(db);
    const mutation = `mutation($id: Int!) { revokeToken(input: { tokenId: $id }) {
      __typename ... on RevokeTokenPayload { tokenId alreadyRevoked } ... on Error { code message } } }`;
    const res = await gql(url, mutation, { token: me.token, variables: { id: me.tokenId } });
    expect(res).toEqual({
      status: 200,
      body: { data: { revokeToken: { __typename: "RevokeTokenPayload", tokenId: me.tokenId, alreadyRevoked: false } } },
    });
    expect((await gql(url, VIEWER, { token: me.token })).status).toBe(401);
  });

  it("answers a typed NotFoundError for someone else's token id and leaves it working", async () => {
    const [me, other] = [await createCreator(db), await createCreator(db)];
    const mutation = `mutation($id: Int!) { revokeToken(input: { tokenId: $id }) { __typename ... on Error { code message } } }`;
    const res = await gql(url, mutation, { token: me.token, variables: { id: other.tokenId } });
    expect(res.body.data).toEqual({
      revokeToken: { __typename: "NotFoundError", code: "NOT_FOUND", message: `Token ${other.tokenId} does not exist` },
    });
    expect((await gql(url, VIEWER, { token: other.token })).status).toBe(200);
  });

  it("answers an invalid query with the GraphQL error only, no stack trace", async () => {
    const res = await gql(url, "{ viewer { nope } }", {});
    expect(res.body.errors?.map((e) => e.message)).toEqual(['Cannot query field "nope" on type "Viewer".']);
    expect(JSON.stringify(res.body)).not.toMatch(/at \S+ \(|node_modules/);
  });
});
