import { describe, expect, it } from "vitest";
import { hashedKey } from "../../src/limits/rate-limits.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { randomAddress } from "../helpers/limits.ts";
import { gatewaysOnPostgres } from "../helpers/gateways.ts";
import type { Gateway } from "../helpers/processes.ts";

// PostgreSQL only: two real gateway processes on one database share every limit through it.
describe("two gateway processes on one PostgreSQL database count limits together", () => {
  const gateways = gatewaysOnPostgres(2, {
    TRUST_PROXY: "true",
    RATE_LIMIT_READ_PER_MINUTE: "4",
    LOGIN_FAILURES_PER_EMAIL: "3",
    RATE_LIMIT_SYNC_MS: "100",
  });
  /** Longer than both gateways' sync interval: each has sent its counts and read the other's. */
  const synced = () => new Promise((resolve) => setTimeout(resolve, 400));

  it("spends one read budget across both processes, and locks an email whichever process saw the failures", async () => {
    const db = await testDatabase();
    const me = await createCreator(db);
    const [a, b] = gateways() as [Gateway, Gateway];
    const read = async (g: typeof a) => {
      const res = await fetch(`${g.url}/api/wallet`, {
        headers: { authorization: `Bearer ${me.token}`, "x-forwarded-for": randomAddress() },
      });
      return [res.status, res.headers.get("x-ratelimit-remaining")];
    };
    // Each gateway decides in process on what it last heard plus its own reads: before its first sync
    // a gateway that never saw the token counts alone (the overshoot bound: one interval's reads).
    expect([await read(a), await read(b)]).toEqual([
      [200, "3"],
      [200, "3"],
    ]);
    await synced();
    expect(await read(a)).toEqual([200, "1"]);
    await synced();
    expect(await read(b)).toEqual([200, "0"]);
    await synced();
    expect([await read(a), await read(b)]).toEqual([
      [429, "0"],
      [429, "0"],
    ]);
    const shared = await db.prisma.rateLimit.findUniqueOrThrow({ where: { key: `w:read-m:tok:${hashedKey(me.token)}` } });
    expect(shared.points).toBe(4); // the one minute window both gateways spent: 4 reads admitted in all

    const email = uniqueEmail("shared");
    const register = await fetch(`${a.url}/api/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomAddress() },
      body: JSON.stringify({ email, password: "right-password", display_name: "Shared", currency: "USD" }),
    });
    expect(register.status).toBe(200);
    const login = async (g: typeof a, password: string) =>
      (
        await fetch(`${g.url}/api/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": randomAddress() },
          body: JSON.stringify({ email, password }),
        })
      ).status;
    expect([
      await login(a, "wrong-1"),
      await login(b, "wrong-2"),
      await login(a, "wrong-3"),
      await login(b, "right-password"),
    ]).toEqual([401, 401, 401, 429]);
  });

  it("checks no more than 3 of 19 wrong passwords sent at once through both gateways", async () => {
    const [a, b] = gateways() as [Gateway, Gateway];
    const email = uniqueEmail("race-shared");
    const registered = await fetch(`${a.url}/api/register`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomAddress() },
      body: JSON.stringify({ email, password: "right-password", display_name: "Raced", currency: "USD" }),
    });
    expect(registered.status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 19 }, (_, i) =>
        fetch(`${(i % 2 ? a : b).url}/api/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": randomAddress() },
          body: JSON.stringify({ email, password: `wrong-${i}` }),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.sort()).toEqual([...Array(3).fill(401), ...Array(16).fill(429)]);
  });
});
