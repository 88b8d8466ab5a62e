import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { limitsWith, randomAddress } from "../helpers/limits.ts";

type Call = { status: number; body: unknown; headers: Headers };

describe("rate limits: read and write tiers, logins, registrations, bad tokens", () => {
  let db: Database;
  let url: string;

  const call = async (
    path: string,
    init: { method?: string; token?: string; address?: string; body?: unknown; apiKey?: boolean } = {},
  ): Promise<Call> => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        "x-forwarded-for": init.address ?? randomAddress(),
        ...(init.token ? (init.apiKey ? { "x-api-key": init.token } : { authorization: `Bearer ${init.token}` }) : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const limitHeaders = (c: Call) =>
    ["limit", "remaining", "tier"]
      .map((h) => c.headers.get(`x-ratelimit-${h}`))
      .concat(Number(c.headers.get("x-ratelimit-reset")) > 0 ? "reset" : "no-reset");

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(
      db,
      limitsWith({
        read: { perMinute: 5, perHour: 100 },
        write: { perMinute: 3, perHour: 100 },
        loginFailuresPerEmail: 5,
        loginLockoutSeconds: 1,
        registrationsPerAddressPerHour: 3,
        badTokensPerAddressPerMinute: 3,
      }),
    ));
  });

  it("counts REST reads per token with X-RateLimit headers, then answers 429 in the legacy envelope with Retry-After", async () => {
    const me = await createCreator(db);
    const seen: (string | null)[][] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("/api/wallet", { token: me.token });
      expect(res.status).toBe(200);
      seen.push(limitHeaders(res));
    }
    expect(seen).toEqual([4, 3, 2, 1, 0].map((left) => ["5", String(left), "read", "reset"]));
    const refused = await call("/api/wallet", { token: me.token });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      success: false,
      errors_message: "Rate limit exceeded: 5 read requests per minute.",
      data: null,
    });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(limitHeaders(refused)).toEqual(["5", "0", "read", "reset"]);
    // The write tier is separate.
    const cashout = await call("/api/wallet/cashout", { method: "POST", token: me.token });
    expect([cashout.status, limitHeaders(cashout)]).toEqual([422, ["3", "2", "write", "reset"]]);
    // GraphQL spends the same budget: 429 with RATE_LIMITED and the retry time.
    const viaGraphQL = await gql(url, "{ viewer { tokenRole } }", {
      token: me.token,
      headers: { "x-forwarded-for": randomAddress() },
    });
    expect(viaGraphQL.status).toBe(429);
    expect(viaGraphQL.body.errors?.[0]).toMatchObject({
      message: "Rate limit exceeded: 5 read requests per minute.",
      extensions: { code: "RATE_LIMITED", retryAfter: expect.any(Number) },
    });
  });

  it("speaks each family's 429: Studio with error and retry_after, Stats its own", async () => {
    const me = await createCreator(db);
    for (let i = 0; i < 5; i++)
      expect((await call("/api/external/v1/account/wallet/transactions", { token: me.token, apiKey: true })).status).toBe(200);
    const studio = await call("/api/external/v1/account/wallet/transactions", { token: me.token, apiKey: true });
    expect(studio.status).toBe(429);
    expect(studio.body).toEqual({
      success: false,
      error: "rate_limit_exceeded",
      message: "Rate limit exceeded: 5 read requests per minute.",
      retry_after: Number(studio.headers.get("retry-after")),
    });
    const stats = await call("/api/stats/transactions", { token: me.token });
    expect(stats.status).toBe(429);
    expect(stats.body).toMatchObject({
      success: false,
      error: "rate_limit_exceeded",
      retry_after: Number(stats.headers.get("retry-after")),
    });
  });

  it("counts each alias of a limited field once, and anonymous callers per address", async () => {
    const me = await createCreator(db);
    const three = await gql(url, "{ a: viewer { tokenRole } b: viewer { tokenRole } c: viewer { tokenRole } }", {
      token: me.token,
    });
    expect(three.status).toBe(200);
    const next = await call("/api/wallet", { token: me.token });
    expect(limitHeaders(next)).toEqual(["5", "1", "read", "reset"]);
    const six = await gql(
      url,
      `{ ${"abcdef"
        .split("")
        .map((a) => `${a}: viewer { tokenRole }`)
        .join(" ")} }`,
      { token: (await createCreator(db)).token },
    );
    expect(six.status).toBe(429);
    // Anonymous: the budget is the address's; every REST answer carries the headers, a 404 too.
    const address = randomAddress();
    const first = await call("/api/no-such-path", { address });
    expect([first.status, limitHeaders(first)]).toEqual([404, ["5", "4", "read", "reset"]]);
    const other = await call("/api/no-such-path", { address: randomAddress() });
    expect(limitHeaders(other)).toEqual(["5", "4", "read", "reset"]);
  });

  it("locks an email after 5 wrong passwords (even the right one then gets 429), each lockout twice as long", async () => {
    const email = uniqueEmail("brute");
    const registered = await call("/api/register", {
      body: { email, password: "right-password", display_name: "Victim", currency: "USD" },
    });
    expect(registered.status).toBe(200);
    const attempt = (password: string) => call("/api/login", { body: { email, password } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    const locked = await attempt("right-password");
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      success: false,
      errors_message: "Too many failed logins for this account: try again later.",
      data: null,
    });
    expect(locked.headers.get("retry-after")).toBe("1");
    await new Promise((r) => setTimeout(r, 1200));
    for (let i = 0; i < 5; i++) expect((await attempt(`again-${i}`)).status).toBe(401);
    const second = await attempt("right-password");
    expect([second.status, second.headers.get("retry-after")]).toEqual([429, "2"]);
    await new Promise((r) => setTimeout(r, 2200));
    expect((await attempt("right-password")).status).toBe(200);
  });

  it("checks no more than 5 passwords of 19 wrong ones sent at once: the attempt is counted before the check", async () => {
    const email = uniqueEmail("race");
    expect(
      (await call("/api/register", { body: { email, password: "right-password", display_name: "Raced", currency: "USD" } }))
        .status,
    ).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 19 }, (_, i) => call("/api/login", { body: { email, password: `wrong-${i}` } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(14).fill(429)]);
    // The fifth failure locked the email: the right password waits too.
    expect((await call("/api/login", { body: { email, password: "right-password" } })).status).toBe(429);
  });

  it("gives the attempt back when the password was right: failures before it no longer count", async () => {
    const email = uniqueEmail("comeback");
    await call("/api/register", { body: { email, password: "right-password", display_name: "Back", currency: "USD" } });
    const attempt = (password: string) => call("/api/login", { body: { email, password } }).then((r) => r.status);
    const statuses = [];
    for (const password of ["w1", "w2", "w3", "w4", "right-password", "w5", "w6", "w7", "w8", "right-password"])
      statuses.push(await attempt(password));
    expect(statuses).toEqual([401, 401, 401, 401, 200, 401, 401, 401, 401, 200]);
  });

  it("limits registrations per address", async () => {
    const address = randomAddress();
    const register = () =>
      call("/api/register", {
        address,
        body: { email: uniqueEmail("reg"), password: "a-good-password", display_name: "New", currency: "EUR" },
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await register()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("spends the registration budget on probes for taken emails too: an address learns at most 3 an hour", async () => {
    const address = randomAddress();
    const taken = await createCreator(db);
    const probe = (email: string) =>
      call("/api/register", { address, body: { email, password: "a-good-password", display_name: "Probe", currency: "EUR" } });
    const answers = [];
    for (const email of [taken.email, uniqueEmail("free"), taken.email, taken.email]) answers.push(await probe(email));
    expect(answers.map((a) => a.status)).toEqual([422, 200, 422, 429]);
    expect(answers[0]!.body).toEqual({
      success: false,
      errors_message: `An account with email ${taken.email} already exists`,
      data: null,
    });
    // Login answers a wrong password and an unknown email alike: it tells nothing.
    const login = (email: string) => call("/api/login", { body: { email, password: "not-the-password" } });
    const [known, unknown] = [await login(taken.email), await login(uniqueEmail("nobody"))];
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
  });

  it("stops looking tokens up for an address that sent 3 bad ones", async () => {
    const address = randomAddress();
    const me = await createCreator(db);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("/api/wallet", { address, token: `wgw_guess${i}` })).status);
    statuses.push((await call("/api/wallet", { address, token: "wgw_guess9" })).status);
    statuses.push((await call("/api/wallet", { address, token: me.token })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another address with the good token is unaffected.
    expect((await call("/api/wallet", { token: me.token })).status).toBe(200);
  });
});

describe("per-address limits without a proxy: the socket's address, for every kind of body", () => {
  it("counts a registration sent with a chunked body against the sender's address like any other", async () => {
    const db = await testDatabase();
    // Keys of this address from an earlier run on the same PostgreSQL database would count too.
    await db.prisma.rateLimit.deleteMany({ where: { key: { startsWith: "register-addr:" } } });
    const { url } = await startServer(db, limitsWith({ registrationsPerAddressPerHour: 2 }, { trustProxy: false }));
    const body = () =>
      JSON.stringify({ email: uniqueEmail("chunked"), password: "a-good-password", display_name: "New", currency: "EUR" });
    const chunked = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          `${url}/api/register`,
          { method: "POST", headers: { "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          },
        );
        req.on("error", reject);
        req.write(body()); // no Content-Length: sent chunked
        req.end();
      });
    const plain = async () =>
      (await fetch(`${url}/api/register`, { method: "POST", headers: { "content-type": "application/json" }, body: body() }))
        .status;
    expect([await chunked(), await chunked(), await plain()]).toEqual([200, 200, 429]);
  });
});
