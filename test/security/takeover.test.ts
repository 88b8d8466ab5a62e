import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { issueToken } from "../../src/modules/accounts/token.service.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";

const LINK = `mutation($token: String!) { linkAccount(input: { token: $token }) {
  __typename ... on LinkAccountPayload { accountGroup { linkedAccounts { id: legacyId } } } ... on Error { code message } } }`;
const REVOKE = `mutation($id: Int!) { revokeToken(input: { tokenId: $id }) {
  __typename ... on RevokeTokenPayload { tokenId alreadyRevoked } ... on Error { code message } } }`;

describe("the account-takeover path is closed", () => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("refuses a MEMBER, VIEWER or SERVICE token as proof of control, links nothing, mints nothing", async () => {
    const attacker = await createCreator(db, { name: "Attacker" });
    const victim = await createCreator(db, { name: "Victim" });
    for (const role of ["MEMBER", "VIEWER"] as const) {
      const weak = await issueToken(db.prisma, { accountId: victim.id, role });
      const res = await gql(url, LINK, { token: attacker.token, variables: { token: weak.token } });
      expect(res.body.data).toEqual({
        linkAccount: { __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Invalid email or password" },
      });
    }
    const service = await createCreator(db, { service: true });
    const asService = await gql(url, LINK, { token: attacker.token, variables: { token: service.token } });
    expect(asService.body.data).toMatchObject({ linkAccount: { __typename: "InvalidCredentialsError" } });
    expect(await db.prisma.accountGroupMember.count({ where: { childId: victim.id } })).toBe(0);
    // And so no child session can be opened for the victim.
    const session = await legacy(url, `/api/user/linked-accounts/${victim.id}/session`, { token: attacker.token, body: {} });
    expect(session.status).toBe(404);
    expect(await db.prisma.apiToken.count({ where: { accountId: victim.id, issuedById: attacker.id } })).toBe(0);
  });

  it("accepts an OWNER or ADMIN token of the child as proof", async () => {
    const master = await createCreator(db, { name: "Agency" });
    const child = await createCreator(db, { name: "Child" });
    const admin = await issueToken(db.prisma, { accountId: child.id, role: "ADMIN" });
    const res = await gql(url, LINK, { token: master.token, variables: { token: admin.token } });
    expect(res.body.data).toEqual({
      linkAccount: { __typename: "LinkAccountPayload", accountGroup: { linkedAccounts: [{ id: child.id }] } },
    });
  });

  it("lets a VIEWER token revoke itself but not the account's OWNER token", async () => {
    const me = await createCreator(db);
    const viewer = await issueToken(db.prisma, { accountId: me.id, role: "VIEWER" });
    const refused = await gql(url, REVOKE, { token: viewer.token, variables: { id: me.tokenId } });
    expect(refused.body.data).toEqual({
      revokeToken: { __typename: "ForbiddenError", code: "FORBIDDEN", message: "A VIEWER token may not revoke other tokens" },
    });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: me.tokenId } })).revokedAt).toBeNull();
    const self = await gql(url, REVOKE, { token: viewer.token, variables: { id: viewer.id } });
    expect(self.body.data).toEqual({
      revokeToken: { __typename: "RevokeTokenPayload", tokenId: viewer.id, alreadyRevoked: false },
    });
  });

  it("lets OWNER and ADMIN tokens revoke the account's other tokens, never another account's", async () => {
    const me = await createCreator(db);
    const admin = await issueToken(db.prisma, { accountId: me.id, role: "ADMIN" });
    const member = await issueToken(db.prisma, { accountId: me.id, role: "MEMBER" });
    const other = await createCreator(db);
    const byAdmin = await gql(url, REVOKE, { token: admin.token, variables: { id: member.id } });
    expect(byAdmin.body.data).toEqual({
      revokeToken: { __typename: "RevokeTokenPayload", tokenId: member.id, alreadyRevoked: false },
    });
    const foreign = await gql(url, REVOKE, { token: me.token, variables: { id: other.tokenId } });
    expect(foreign.body.data).toEqual({
      revokeToken: { __typename: "NotFoundError", code: "NOT_FOUND", message: `Token ${other.tokenId} does not exist` },
    });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: other.tokenId } })).revokedAt).toBeNull();
  });

  it("never writes from a query: 12 aliases of invitation create no row; the mutation creates one", async () => {
    const me = await createCreator(db);
    const aliases = Array.from({ length: 12 }, (_, i) => `i${i}: invitation(feeBasisPoints: ${100 + i}) { __typename }`).join(
      " ",
    );
    const res = await gql(url, `{ viewer { affiliate { ${aliases} } } }`, { token: me.token });
    expect(res.status).toBe(200);
    expect(Object.values((res.body.data as { viewer: { affiliate: Record<string, unknown> } }).viewer.affiliate)).toEqual(
      Array.from({ length: 12 }, () => null),
    );
    expect(await db.prisma.affiliateInvitation.count({ where: { inviterId: me.id } })).toBe(0);
    const created = await gql(
      url,
      `mutation { createInvitation(input: { feeBasisPoints: 300 }) { __typename ... on CreateInvitationPayload { invitation { feePercentage } } } }`,
      { token: me.token },
    );
    expect(created.body.data).toEqual({
      createInvitation: { __typename: "CreateInvitationPayload", invitation: { feePercentage: "3" } },
    });
    expect(await db.prisma.affiliateInvitation.count({ where: { inviterId: me.id } })).toBe(1);
  });
});
