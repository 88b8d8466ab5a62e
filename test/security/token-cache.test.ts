import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { hashToken } from "../../src/modules/accounts/token.service.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { tokenReads } from "../helpers/statements.ts";

const VIEWER = "{ viewer { account { legacyId } } }";

/** Polls until the token is refused; answers how long that took (ms), or fails after 2 s. */
async function refusedWithin(url: string, token: string): Promise<{ ms: number; reason: unknown }> {
  const started = performance.now();
  for (;;) {
    const r = await gql(url, VIEWER, { token });
    if (r.status === 401) return { ms: performance.now() - started, reason: r.body.errors?.[0]?.extensions?.reason };
    expect(performance.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the token cache", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  it("reads a valid token's row once, then answers from memory", async () => {
    const creator = await createCreator(db);
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 1 });
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
  });

  it("keeps a token read while other tokens' revocations stream in (only its own would stop it)", async () => {
    const creators = await Promise.all([1, 2, 3, 4, 5].map(() => createCreator(db)));
    // Another gateway (or test file) on the database revoking its tokens, as fast as it can. On
    // PostgreSQL the notices arrive while a read is in flight; the embedded database runs one
    // statement at a time, so there they arrive between reads.
    let storming = true;
    let notices = 0;
    const storm = (async () => {
      while (storming) {
        await db.prisma.$executeRaw`SELECT pg_notify('wallet_access', 'token:2147483647')`;
        notices++;
        await new Promise((resolve) => setImmediate(resolve)); // the requests' I/O goes on meanwhile
      }
    })();
    try {
      for (const creator of creators) {
        expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 1 });
        expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
      }
    } finally {
      storming = false;
      await storm;
    }
    expect(notices).toBeGreaterThan(10);
  });

  it("never keeps an unknown token: each presentation is read (and refused)", async () => {
    const unknown = `wgw_${"x".repeat(43)}`;
    expect(await tokenReads(db, url, unknown)).toEqual({ status: 401, reads: 1 });
    expect(await tokenReads(db, url, unknown)).toEqual({ status: 401, reads: 1 });
  });

  it("drops a token revoked by plain SQL (no gateway involved) as soon as the database's NOTIFY arrives", async () => {
    const creator = await createCreator(db);
    expect((await tokenReads(db, url, creator.token)).status).toBe(200);
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
    await db.prisma.$executeRaw`UPDATE api_tokens SET revoked_at = now() WHERE id = ${creator.tokenId}`;
    const { ms, reason } = await refusedWithin(url, creator.token);
    expect(reason).toBe("api_key_revoked");
    // In process on the embedded database; over the listener's connection on PostgreSQL.
    expect(ms).toBeLessThan(1_000);
    // And it stays refused: a revoked row is never kept.
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 401, reads: 1 });
  });

  it("drops a deleted token", async () => {
    const creator = await createCreator(db);
    expect((await tokenReads(db, url, creator.token)).status).toBe(200);
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 }); // kept
    await db.prisma.$executeRaw`DELETE FROM api_tokens WHERE id = ${creator.tokenId}`;
    expect((await refusedWithin(url, creator.token)).reason).toBe("invalid_api_key");
  });

  it("judges expiry at every use: a cached token stops working the moment it expires", async () => {
    const creator = await createCreator(db);
    // Re-dated before its first use; the notice this UPDATE sends has passed before the token is kept.
    await db.prisma
      .$executeRaw`UPDATE api_tokens SET expires_at = now() + interval '1500 milliseconds' WHERE id = ${creator.tokenId}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 1 });
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(creator.token) } });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, row.expiresAt!.getTime() - Date.now()) + 20));
    const expired = await gql(url, VIEWER, { token: creator.token });
    expect(expired.status).toBe(401);
    expect(expired.body.errors?.[0]?.message).toBe("This API token has expired.");
  });
});
