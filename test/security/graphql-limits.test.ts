import { parse, print } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { DEFAULT_LIMITS } from "../../src/limits/limits-config.ts";
import { operationCost } from "../../src/plugins/use-graphql-limits.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { limitsWith, randomAddress } from "../helpers/limits.ts";

const REPORT = "transactionReport(perPage: 100) { __typename ... on TransactionReport { rows { id amount { amount } } } }";

describe("GraphQL query limits (GraphQL Armor and a cost limit)", () => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    db = await testDatabase();
    // Real limits, login throttling included; each test uses its own address and emails.
    ({ url } = await startServer(
      db,
      limitsWith({ read: { perMinute: 1000, perHour: 1000 }, write: { perMinute: 1000, perHour: 1000 } }),
    ));
  });

  it("refuses 30 aliases of transactionReport(perPage: 100) with 400 TOO_MANY_ALIASES, before running anything", async () => {
    const me = await createCreator(db);
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `r${i}: ${REPORT}`).join(" ")} }`;
    const res = await gql(url, query, { token: me.token });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("TOO_MANY_ALIASES");
    expect(res.body.data).toBeUndefined();
  });

  it("counts first/perPage into the cost: 12 pages of 150 rows x 13 fields are over the limit, pages of 1 row are not", async () => {
    const me = await createCreator(db);
    const fields = "id amount { amount } balance { amount } createdAt currency description status source destination externalId";
    const page = `transactionReport(perPage: $n) { __typename ... on TransactionReport { rows { ${fields} } } }`;
    const twelve = `query($n: Int) { ${Array.from({ length: 12 }, (_, i) => `r${i}: ${page}`).join(" ")} }`;
    const res = await gql(url, twelve, { token: me.token, variables: { n: 150 } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Query cost \d+ exceeds the limit of 20000: ask for fewer rows\.$/),
      extensions: { code: "QUERY_TOO_COSTLY" },
    });
    // The same document with small pages costs little and runs.
    expect((await gql(url, twelve, { token: me.token, variables: { n: 1 } })).status).toBe(200);
  });

  it("refuses a query nested deeper than the limit with 400 QUERY_TOO_DEEP", async () => {
    const me = await createCreator(db);
    const nested = (levels: number) => {
      let selection = "tokenRole";
      for (let i = 0; i < levels; i++) selection = `... on Viewer { ${selection} }`;
      return `{ viewer { ${selection} } }`;
    };
    expect(await gql(url, nested(3), { token: me.token })).toEqual({
      status: 200,
      body: { data: { viewer: { tokenRole: "OWNER" } } },
    });
    const res = await gql(url, nested(20), { token: me.token });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_DEEP");
  });

  it("runs one credential-checking mutation per operation: 3 aliased logins are refused and guess nothing", async () => {
    const email = `victim-${Date.now()}@test.example`;
    const address = randomAddress();
    const logins = Array.from(
      { length: 3 },
      (_, i) => `l${i}: login(input: { email: "${email}", password: "guess-${i}" }) { __typename }`,
    );
    const res = await gql(url, `mutation { ${logins.join(" ")} }`, { headers: { "x-forwarded-for": address } });
    expect(res).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: "TOO_MANY_SENSITIVE_MUTATIONS" } }] },
    });
    expect(res.body.errors?.[0]?.message).toBe(
      "An operation may run one money-moving or credential-checking mutation; this one runs 3 (login).",
    );
    // A cashout and a login together are refused too; one cashout alone runs.
    const me = await createCreator(db);
    const mixed = await gql(
      url,
      `mutation { requestCashout(input: {}) { __typename } login(input: { email: "a@b.example", password: "x" }) { __typename } }`,
      {
        token: me.token,
      },
    );
    expect(mixed.status).toBe(400);
    const one = await gql(url, "mutation { requestCashout(input: {}) { __typename } }", { token: me.token });
    expect(one).toEqual({ status: 200, body: { data: { requestCashout: { __typename: "NoAvailableFundsError" } } } });
  });

  it("answers introspection only to callers with a token, and hides 'Did you mean' suggestions", async () => {
    const anonymous = await gql(url, "{ __schema { queryType { name } } }");
    expect(anonymous.body.data).toBeUndefined();
    expect(anonymous.body.errors?.[0]).toMatchObject({
      message: 'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    const me = await createCreator(db);
    expect(await gql(url, "{ __schema { queryType { name } } }", { token: me.token })).toEqual({
      status: 200,
      body: { data: { __schema: { queryType: { name: "Query" } } } },
    });
    const typo = await gql(url, "{ viewe { tokenRole } }", { token: me.token });
    expect(typo.body.errors?.[0]?.message).toBe('Cannot query field "viewe" on type "Query". [Suggestion hidden]');
  });

  it("leaves room for every operation the REST layer runs, at its largest page", () => {
    const largest = { first: 100, perPage: 100, limit: 100, page: 1 };
    for (const r of restRoutes) {
      const cost = operationCost(parse(print(r.operation)), undefined, largest);
      expect(cost, `${r.method} ${r.path}`).toBeLessThanOrEqual(DEFAULT_LIMITS.graphql.maxCost);
    }
  });
});
