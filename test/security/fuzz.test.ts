import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { restRoutes } from "../../src/rest/routes/index.ts";
import { startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { LEAKS } from "../helpers/limits.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "%ZZ",
    "%FF",
    "%E0%A4%A",
    "%00",
    "\u0000",
    "\ud800",
    "..",
    "NaN",
    "-1",
    "1e999",
    "9007199254740993",
    "",
    " ",
    "null",
    "[]",
    "{}",
  ),
  fc.integer().map(String),
  fc.double().map(String),
);
const PARAMS = [
  "page",
  "limit",
  "per_page",
  "sort",
  "after",
  "from",
  "to",
  "transaction_id",
  "fee_percentage",
  "child_organization_id",
  "type",
  "search",
  "date_from",
  "date_to",
];

/** A path segment as a client might send it: escaped, but with its own (possibly broken) %-escapes kept. */
function encodedRaw(segment: string): string {
  try {
    return encodeURI(segment).replace(/%25/g, "%");
  } catch {
    return "%ED%A0%80"; // a lone surrogate, escaped
  }
}

/** A family's envelope: what every answer of that path family must look like. */
function assertEnvelope(path: string, status: number, text: string) {
  expect(status, `${path} -> ${status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(text).not.toMatch(LEAKS);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (path.startsWith("/api/external/")) {
    expect(typeof body.success).toBe("boolean");
    if (status >= 400) expect([typeof body.error, typeof body.message]).toEqual(["string", "string"]);
  } else if (path.startsWith("/api/stats/")) {
    if (status >= 400) expect([body.success, typeof body.error, typeof body.message]).toEqual([false, "string", "string"]);
    else expect(Object.keys(body).sort()).toEqual(["additional_data", "data", "meta"]);
  } else if (path.startsWith("/api/")) {
    expect(Object.keys(body).sort()).toEqual(["data", "errors_message", "success"]);
    expect(body.success).toBe(status < 400);
  } else {
    expect(body.data !== undefined || Array.isArray(body.errors)).toBe(true);
    for (const e of (body.errors ?? []) as { message: unknown }[]) expect(typeof e.message).toBe("string");
  }
}

describe("fuzzing every REST path and GraphQL's variables: never a 5xx, always the family's envelope, never a stack trace", () => {
  let db: Database;
  let url: string;
  let token: string;

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    token = (await createCreator(db)).token;
  });

  it("REST", async () => {
    const request = fc.record({
      route: fc.constantFrom(...restRoutes.map((r) => `${r.method} ${r.path}`)),
      params: fc.array(nasty, { minLength: 1, maxLength: 2 }),
      extraSegment: fc.option(nasty, { nil: undefined }),
      method: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"),
      query: fc.array(fc.tuple(fc.constantFrom(...PARAMS), nasty), { maxLength: 4 }),
      auth: fc.constantFrom("none", "valid", "random", "garbage", "apikey"),
      idempotencyKey: fc.option(nasty, { nil: undefined }),
      body: fc.option(
        fc.oneof(
          fc.json(),
          nasty,
          fc.dictionary(
            fc.constantFrom(
              "email",
              "password",
              "display_name",
              "currency",
              "invite_code",
              "master_id",
              "fee_percentage",
              "token",
              "accounts",
            ),
            fc.oneof(nasty, fc.jsonValue()),
          ),
        ),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        let path = r.route.split(" ")[1]!.replace(/:\w+/g, () => encodedRaw(r.params[i++ % r.params.length]!));
        if (r.extraSegment !== undefined) path += `/${r.extraSegment.replace(/[?#]/g, "")}`;
        const query = r.query.map(([k, v]) => `${k}=${v.replace(/[#&]/g, "")}`).join("&");
        const headers: Record<string, string> = {};
        if (r.auth === "valid") headers.authorization = `Bearer ${token}`;
        if (r.auth === "apikey") headers["x-api-key"] = token;
        if (r.auth === "random") headers.authorization = `Bearer wgw_${Math.random().toString(36).slice(2)}`;
        if (r.auth === "garbage") headers.authorization = "Basic x";
        if (r.idempotencyKey !== undefined)
          headers["idempotency-key"] = r.idempotencyKey.replace(/[^\x20-\x7e]/g, "?").slice(0, 400);
        const body =
          r.method === "GET" || r.body === undefined ? undefined : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
        if (body !== undefined) headers["content-type"] = "application/json";
        let res: Response;
        try {
          res = await fetch(`${url}${path}${query ? `?${query}` : ""}`, {
            method: r.method,
            headers,
            ...(body === undefined ? {} : { body }),
          });
        } catch (err) {
          // The client itself refused the URL (not a request the server ever saw).
          if (err instanceof TypeError) return;
          throw err;
        }
        assertEnvelope(
          new URL(res.url).pathname.startsWith("/api/") ? new URL(res.url).pathname : path,
          res.status,
          await res.text(),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("GraphQL variables", async () => {
    const OPERATIONS = [
      "mutation($a: String!, $b: String!) { login(input: { email: $a, password: $b }) { __typename } }",
      "mutation($i: RegisterInput!) { register(input: $i) { __typename } }",
      "mutation($k: String) { requestCashout(input: { idempotencyKey: $k }) { __typename } }",
      "query($f: ReportFilter, $p: Int, $n: Int) { transactionReport(filter: $f, page: $p, perPage: $n) { __typename } }",
      "query($n: Int, $a: String, $f: TransactionFilter) { viewer { wallet { transactions(first: $n, after: $a, filter: $f) { __typename } } } }",
      "query($p: Int, $n: Int) { viewer { wallet { transactionPage(page: $p, perPage: $n) { __typename } } } }",
      "mutation($n: Int) { createInvitation(input: { feeBasisPoints: $n }) { __typename } }",
      "mutation($i: LinkAccountInput!) { linkAccount(input: $i) { __typename } }",
      "query($t: [String!]) { viewer { aggregateDashboard(additionalTokens: $t) { __typename } } }",
    ];
    const value = fc.oneof(nasty, fc.jsonValue(), fc.integer(), fc.double(), fc.constant(2 ** 53), fc.boolean());
    const request = fc.record({
      query: fc.constantFrom(...OPERATIONS),
      variables: fc.dictionary(
        fc.constantFrom("a", "b", "i", "k", "f", "p", "n", "t"),
        fc.oneof(
          value,
          fc.dictionary(
            fc.constantFrom(
              "email",
              "password",
              "displayName",
              "currency",
              "inviteCode",
              "masterId",
              "from",
              "to",
              "types",
              "buckets",
              "uuid",
              "token",
              "search",
              "childOrganizationId",
            ),
            value,
          ),
        ),
      ),
      authenticated: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(r.authenticated ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query: r.query, variables: r.variables }),
        });
        assertEnvelope("/graphql", res.status, await res.text());
      }),
      { numRuns: RUNS },
    );
  });
});
