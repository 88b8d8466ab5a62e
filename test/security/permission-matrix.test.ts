import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { TokenRole } from "../../src/generated/prisma/enums.ts";
import { schema } from "../../src/graphql/schema.ts";
import { type Capability, CAPABILITIES, CREDENTIAL_MUTATIONS, may, TOKEN_ROLES } from "../../src/modules/accounts/permissions.ts";
import { permissionsDocument } from "../../src/modules/accounts/permissions-doc.ts";
import { issueToken } from "../../src/modules/accounts/token.service.ts";
import { matchPath } from "../../src/rest/route.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";

const ERR = "__typename ... on Error { code }";

/** One GraphQL operation per capability (`{other}` is another token id of the caller's account). */
const GRAPHQL: Record<Capability, string> = {
  "account.read": "{ viewer { tokenRole account { id } } }",
  "tokens.revokeOwn": `mutation { revokeToken(input: { tokenId: {self} }) { ${ERR} } }`,
  "tokens.revokeAny": `mutation { revokeToken(input: { tokenId: {other} }) { ${ERR} } }`,
  "wallet.read": "{ viewer { wallet { available { amount } } } }",
  "wallet.cashout": `mutation { requestCashout(input: {}) { ${ERR} } }`,
  "payout.details": `mutation { setPayoutDetails(input: { iban: "x" }) { ${ERR} } }`,
  "affiliate.read": "{ viewer { affiliate { referralRevenue { amount } } } }",
  "affiliate.invite": `mutation { createInvitation(input: {}) { ${ERR} } }`,
  "affiliate.manage": `mutation { recordInvitationVisit(input: { code: "NOPE{uuid}", eventId: "{uuid}" }) { ${ERR} } }`,
  "dashboard.read": "{ viewer { dashboard { asOf } } }",
  "group.read": "{ viewer { accountGroup { role } } }",
  "group.manage": `mutation { unlinkAccount(input: { childId: 2147483000 }) { ${ERR} } }`,
  "report.read": `{ transactionReport { ${ERR} } }`,
  "ledger.record": `mutation { recordDeposit(input: { accountId: 2147483000, amount: 1, externalId: "{uuid}" }) { ${ERR} } }`,
  "catalog.manage": `mutation { createShortLink(input: { accountId: 2147483000, slug: "{uuid}" }) { ${ERR} } }`,
  "invoices.create": `mutation { createInvoice(input: { organizationId: 2147483000, externalId: "{uuid}", lineItems: [] }) { ${ERR} } }`,
};

/** Every REST path and the capability it needs (null: public). */
const REST: { method: string; path: string; capability: Capability | null; body?: unknown }[] = [
  { method: "GET", path: "/api/wallet", capability: "wallet.read" },
  { method: "GET", path: "/api/wallet/affiliate", capability: "wallet.read" },
  { method: "GET", path: "/api/affiliate/revenue", capability: "wallet.read" },
  { method: "POST", path: "/api/wallet/cashout", capability: "wallet.cashout" },
  { method: "GET", path: "/api/external/v1/account/wallet/transactions", capability: "wallet.read" },
  { method: "GET", path: "/api/affiliate/invitation", capability: "affiliate.invite" },
  { method: "GET", path: "/api/affiliate/invitation/code", capability: "affiliate.invite" },
  { method: "GET", path: "/api/affiliate/invited", capability: "affiliate.read" },
  { method: "GET", path: "/api/dashboard/summary", capability: "dashboard.read" },
  { method: "POST", path: "/api/dashboard/summary/aggregate", capability: "dashboard.read", body: {} },
  { method: "GET", path: "/api/user/linked-accounts", capability: "group.read" },
  {
    method: "POST",
    path: "/api/user/linked-accounts",
    capability: "group.manage",
    body: { email: "x@example.com", password: "wrong-password" },
  },
  { method: "DELETE", path: "/api/user/linked-accounts/2147483000", capability: "group.manage" },
  { method: "POST", path: "/api/user/linked-accounts/2147483000/session", capability: "group.manage", body: {} },
  { method: "GET", path: "/api/stats/transactions", capability: "report.read" },
  { method: "GET", path: "/api/statements/2026-01.csv", capability: "wallet.read" },
  { method: "POST", path: "/api/register", capability: null, body: {} },
  { method: "POST", path: "/api/login", capability: null, body: {} },
  { method: "POST", path: "/api/login/batch", capability: null, body: { accounts: [] } },
];

describe("the permission table decides every operation on both surfaces", () => {
  let db: Database;
  let url: string;
  const actors = new Map<TokenRole, { accountId: number; token: () => Promise<{ id: number; token: string }> }>();

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    for (const role of TOKEN_ROLES) {
      const owner = await createCreator(db, { service: role === "SERVICE" });
      actors.set(role, { accountId: owner.id, token: () => issueToken(db.prisma, { accountId: owner.id, role }) });
    }
  });

  it("has an operation for every capability and a verdict for every REST route", () => {
    expect(Object.keys(GRAPHQL).sort()).toEqual(Object.keys(CAPABILITIES).sort());
    // Each concrete path of the matrix names the route that serves it.
    const pattern = (r: { method: string; path: string }) =>
      restRoutes.find((route) => route.method === r.method && matchPath(route.path, r.path.split("?")[0]!))?.path;
    expect(REST.map((r) => `${r.method} ${pattern(r)}`).sort()).toEqual(restRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("is what docs/permissions.md shows (run `npm run docs:permissions` after changing the table)", () => {
    expect(fs.readFileSync(new URL("../../docs/permissions.md", import.meta.url), "utf8")).toBe(permissionsDocument());
  });

  it("names a capability on every root field and every Viewer field, except the public credential mutations", () => {
    const unguarded: string[] = [];
    const fieldsOf = (name: string) => Object.values((schema.getType(name) as { getFields(): object }).getFields());
    for (const type of ["Query", "Mutation", "Viewer"]) {
      for (const field of fieldsOf(type) as {
        name: string;
        extensions: { pothosOptions?: { authScopes?: { can?: string } } };
      }[]) {
        const can = field.extensions.pothosOptions?.authScopes?.can;
        if (
          !can &&
          !CREDENTIAL_MUTATIONS.includes(field.name) &&
          !(type === "Viewer" && ["account", "tokenRole"].includes(field.name))
        )
          unguarded.push(`${type}.${field.name}`);
        if (can) expect(Object.keys(CAPABILITIES)).toContain(can);
      }
    }
    expect(unguarded).toEqual([]);
  });

  for (const role of TOKEN_ROLES) {
    it(`GraphQL: a ${role} token gets exactly the table's verdict on every capability`, async () => {
      const actor = actors.get(role)!;
      const verdicts: Record<string, boolean> = {};
      for (const [capability, template] of Object.entries(GRAPHQL) as [Capability, string][]) {
        const self = await actor.token();
        const other = await actor.token();
        const query = template
          .replace("{self}", String(self.id))
          .replace("{other}", String(other.id))
          .replace("{uuid}", randomUUID());
        const res = await gql(url, query, { token: self.token });
        const text = JSON.stringify(res.body);
        const forbidden = text.includes('"FORBIDDEN"') || text.includes('"ForbiddenError"');
        expect(res.status, `${capability}: ${text}`).toBe(forbidden && !text.includes('"ForbiddenError"') ? 403 : 200);
        expect(text).not.toContain("UNAUTHENTICATED");
        verdicts[capability] = !forbidden;
      }
      expect(verdicts).toEqual(Object.fromEntries(Object.keys(GRAPHQL).map((c) => [c, may(role, c as Capability)])));
    });

    it(`REST: a ${role} token gets exactly the table's verdict on every path`, async () => {
      const { token } = await actors.get(role)!.token();
      const verdicts: Record<string, boolean> = {};
      const expected: Record<string, boolean> = {};
      for (const r of REST) {
        const res = await fetch(`${url}${r.path}`, {
          method: r.method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
        });
        const body = await res.text();
        // The Stats API answers a role that may not read reports with 401 (its document says so).
        const refused = res.status === 403 || (r.path.startsWith("/api/stats/") && res.status === 401);
        expect(res.status, `${r.method} ${r.path}: ${body}`).toBeLessThan(500);
        verdicts[`${r.method} ${r.path}`] = !refused;
        expected[`${r.method} ${r.path}`] = r.capability === null || may(role, r.capability);
      }
      expect(verdicts).toEqual(expected);
    });
  }
});
