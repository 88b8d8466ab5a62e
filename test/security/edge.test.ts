import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { LEAKS, limitsWith } from "../helpers/limits.ts";

async function raw(url: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  expect(text).not.toMatch(LEAKS);
  return { status: res.status, body: JSON.parse(text) as unknown, headers: res.headers };
}

/** One keep-alive connection for every chunked call: a call after a refused one reuses it. */
const oneConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** A body sent without Content-Length (chunked), as a streaming client would. */
function chunked(url: string, path: string, body: string): Promise<{ status: number; body: unknown; connection?: string }> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json" };
    const req = http.request(`${url}${path}`, { method: "POST", headers, agent: oneConnection }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text), connection: res.headers.connection }));
    });
    req.on("error", (err) =>
      (err as NodeJS.ErrnoException).code === "EPIPE" || (err as NodeJS.ErrnoException).code === "ECONNRESET"
        ? undefined
        : reject(err),
    );
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.slice(at, at + 64 * 1024));
    req.end();
  });
}

describe("hostile input at the edge answers 4xx in each surface's envelope", () => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("answers 400 for percent-escapes that do not decode, on every family", async () => {
    const legacyBody = { success: false, errors_message: "The request path is not valid percent-encoded UTF-8.", data: null };
    for (const path of ["/api/%ZZ", "/api/wallet/%E0%A4%A", "/api/user/linked-accounts/%FF/session"]) {
      expect(await raw(url, path)).toMatchObject({ status: 400, body: legacyBody });
    }
    expect(await raw(url, "/api/external/v1/account/wallet/%ZZ")).toMatchObject({
      status: 400,
      body: { success: false, error: "bad_request", message: "The request path is not valid percent-encoded UTF-8." },
    });
    expect(await raw(url, "/api/stats/%ZZ")).toMatchObject({ status: 400, body: { success: false, error: "bad_request" } });
    // A trailing slash keeps the family (the fuzz test found /api/stats/ answering in the legacy envelope).
    expect(await raw(url, "/api/stats/")).toMatchObject({ status: 404, body: { success: false, error: "not_found" } });
  });

  it("refuses a 2 MB body with 413 before reading it, declared or chunked, REST and GraphQL", async () => {
    const big = JSON.stringify({ email: "a@b.example", password: "x".repeat(2 * 1024 * 1024) });
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: big };
    expect(await raw(url, "/api/login", init)).toMatchObject({
      status: 413,
      body: { success: false, errors_message: "The request body is larger than 1048576 bytes.", data: null },
    });
    expect(await raw(url, "/api/external/v1/account/wallet/transactions", init)).toMatchObject({
      status: 413,
      body: { success: false, error: "payload_too_large" },
    });
    expect(await raw(url, "/graphql", init)).toMatchObject({
      status: 413,
      body: {
        errors: [{ message: "The request body is larger than 1048576 bytes.", extensions: { code: "PAYLOAD_TOO_LARGE" } }],
      },
    });
    // The unread rest of a refused body must not be taken for the next request on the connection.
    expect(await chunked(url, "/api/login", big)).toMatchObject({ status: 413, body: { success: false }, connection: "close" });
    expect(await chunked(url, "/graphql", big)).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE" } }] },
      connection: "close",
    });
  });

  it("answers a chunked GraphQL body under the limit as if its length were declared", async () => {
    const query = JSON.stringify({ query: `{ __typename ${" ".repeat(200 * 1024)} }` });
    expect(await chunked(url, "/graphql", query)).toMatchObject({ status: 200, body: { data: { __typename: "Query" } } });
  });

  it("refuses U+0000 and other control characters with 422 naming the field", async () => {
    const login = await raw(url, "/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ana\u0000@example.com", password: "whatever-123" }),
    });
    expect(login).toMatchObject({
      status: 422,
      body: { success: false, errors_message: "The email field must not contain control characters.", data: null },
    });
    const viaGraphQL = await gql(url, 'mutation($e: String!) { login(input: { email: $e, password: "x" }) { __typename } }', {
      variables: { e: "bell\u0007@example.com" },
    });
    expect(viaGraphQL).toEqual({
      status: 422,
      body: {
        errors: [
          {
            message: "Invalid input: e must not contain control characters.",
            extensions: { code: "INVALID_INPUT", field: "e", reason: "control_characters" },
          },
        ],
      },
    });
    const literal = await gql(url, 'mutation { login(input: { email: "x\\u0000y", password: "x" }) { __typename } }');
    expect(literal.status).toBe(422);
    expect(literal.body.errors?.[0]?.extensions).toEqual({
      code: "INVALID_INPUT",
      field: "input.email",
      reason: "control_characters",
    });
  });

  it("caps every string argument (a 1M-character idempotency key is 422) and idempotency keys at 255", async () => {
    const me = await createCreator(db);
    const cashout =
      "mutation($k: String) { requestCashout(input: { idempotencyKey: $k }) { __typename ... on ValidationError { fields { field message } } } }";
    const huge = await gql(url, cashout, { token: me.token, variables: { k: "k".repeat(1_000_000) } });
    expect(huge).toEqual({
      status: 422,
      body: {
        errors: [
          {
            message: "Invalid input: k must be at most 2000 characters.",
            extensions: { code: "INVALID_INPUT", field: "k", reason: "too_long" },
          },
        ],
      },
    });
    const overKey = await gql(url, cashout, { token: me.token, variables: { k: "k".repeat(256) } });
    expect(overKey.body.data).toEqual({
      requestCashout: {
        __typename: "ValidationError",
        fields: [{ field: "idempotencyKey", message: "must be at most 255 characters" }],
      },
    });
  });

  it("answers 400 for GraphQL GET parameters that are not JSON objects", async () => {
    for (const variables of ["NaN", "[1]", "{", "1e999"]) {
      const res = await raw(
        url,
        `/graphql?query=${encodeURIComponent("{__typename}")}&variables=${encodeURIComponent(variables)}`,
        {
          headers: { accept: "application/json" },
        },
      );
      expect(res).toMatchObject({
        status: 400,
        body: { errors: [{ message: "The variables parameter must be a JSON object.", extensions: { code: "BAD_REQUEST" } }] },
      });
    }
  });

  it("sends no CORS headers to an origin that is not configured", async () => {
    const res = await fetch(`${url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("CORS from the configured allowlist", () => {
  it("allows exactly the listed origins, never with credentials", async () => {
    const db = await testDatabase();
    const { url } = await startServer(db, limitsWith({ enabled: false }, { corsOrigins: ["https://app.example"] }));
    const preflight = (origin: string) =>
      fetch(`${url}/graphql`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const ok = await preflight("https://app.example");
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    expect((await preflight("https://app.example.evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
